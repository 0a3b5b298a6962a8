// Known-wrong: sized for latency spikes only; a garbage-collection pause longer than a spike triggers a failover.
type LinkProfile = { typicalDelayMs: number; spikeDelayMs: number; gcPauseMs: number; heartbeatsPerSecMax: number; outageBudgetMs: number };

export function chooseDetector(link: LinkProfile): { heartbeatMs: number; timeoutMs: number } {
  const heartbeatMs = 1000 / link.heartbeatsPerSecMax;
  return { heartbeatMs, timeoutMs: link.spikeDelayMs + heartbeatMs + 10 };
}

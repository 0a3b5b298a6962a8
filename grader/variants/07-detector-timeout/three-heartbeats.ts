// Known-wrong: the rule of thumb "time out after three missed heartbeats", blind to spikes and pauses.
type LinkProfile = { typicalDelayMs: number; spikeDelayMs: number; gcPauseMs: number; heartbeatsPerSecMax: number; outageBudgetMs: number };

export function chooseDetector(link: LinkProfile): { heartbeatMs: number; timeoutMs: number } {
  const heartbeatMs = 1000 / link.heartbeatsPerSecMax;
  return { heartbeatMs, timeoutMs: 3 * heartbeatMs };
}

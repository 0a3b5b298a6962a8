// Known-wrong: heartbeats every millisecond to shrink the silences, far beyond the heartbeat budget.
type LinkProfile = { typicalDelayMs: number; spikeDelayMs: number; gcPauseMs: number; heartbeatsPerSecMax: number; outageBudgetMs: number };

export function chooseDetector(link: LinkProfile): { heartbeatMs: number; timeoutMs: number } {
  return { heartbeatMs: 1, timeoutMs: Math.max(link.spikeDelayMs, link.gcPauseMs + 4 * link.typicalDelayMs) + 10 };
}

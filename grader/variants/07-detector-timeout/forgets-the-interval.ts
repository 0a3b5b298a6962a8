// Known-wrong: outlasts the longest spike or pause with a 20% margin, but forgets that the heartbeat
// before the silence may have left a whole interval earlier.
type LinkProfile = { typicalDelayMs: number; spikeDelayMs: number; gcPauseMs: number; heartbeatsPerSecMax: number; outageBudgetMs: number };

export function chooseDetector(link: LinkProfile): { heartbeatMs: number; timeoutMs: number } {
  const heartbeatMs = 1000 / link.heartbeatsPerSecMax;
  return { heartbeatMs, timeoutMs: 1.2 * Math.max(link.spikeDelayMs, link.gcPauseMs) };
}

// Known-wrong: the longest silence plus 10%, but a heartbeat delay under a millisecond is taken as negligible (0): on a fast link
// with a short pause, the 10% margin on the pause and an interval is less than the 4 typical delays of the first heartbeat after waking.
type LinkProfile = { typicalDelayMs: number; spikeDelayMs: number; gcPauseMs: number; heartbeatsPerSecMax: number; outageBudgetMs: number };
export function chooseDetector(link: LinkProfile): { heartbeatMs: number; timeoutMs: number } {
  const heartbeatMs = 1000 / link.heartbeatsPerSecMax;
  const worstDelayMs = link.typicalDelayMs < 1 ? 0 : 4 * link.typicalDelayMs;
  const silenceMs = Math.max(link.spikeDelayMs, link.gcPauseMs + worstDelayMs) + heartbeatMs;
  return { heartbeatMs, timeoutMs: 1.1 * silenceMs };
}

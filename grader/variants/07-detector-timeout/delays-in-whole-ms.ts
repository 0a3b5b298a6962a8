// Known-wrong: the longest silence plus 10%, with the typical delay rounded to whole milliseconds first (Math.round): 0.75 ms
// counts as 1, so on a fast link whose band is about a tenth of the silence the timeout is past the latest the budget allows.
type LinkProfile = { typicalDelayMs: number; spikeDelayMs: number; gcPauseMs: number; heartbeatsPerSecMax: number; outageBudgetMs: number };
export function chooseDetector(link: LinkProfile): { heartbeatMs: number; timeoutMs: number } {
  const heartbeatMs = 1000 / link.heartbeatsPerSecMax;
  const worstDelayMs = 4 * Math.round(link.typicalDelayMs);
  const silenceMs = Math.max(link.spikeDelayMs, link.gcPauseMs + worstDelayMs) + heartbeatMs;
  return { heartbeatMs, timeoutMs: 1.1 * silenceMs };
}

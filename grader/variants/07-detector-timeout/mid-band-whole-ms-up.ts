// Known-wrong: the middle of the band, rounded up to whole milliseconds ("a timeout in whole ms, rounded up to be safe"): the
// rounding adds up to a millisecond, past the latest timeout the budget allows where the band is under 2 ms and its middle
// just over a whole ms, and a crash just after a slow heartbeat then blows the budget.
type LinkProfile = { typicalDelayMs: number; spikeDelayMs: number; gcPauseMs: number; heartbeatsPerSecMax: number; outageBudgetMs: number };
export function chooseDetector(link: LinkProfile): { heartbeatMs: number; timeoutMs: number } {
  const heartbeatMs = 1000 / link.heartbeatsPerSecMax;
  const worstDelayMs = 4 * link.typicalDelayMs;
  const silenceMs = Math.max(link.spikeDelayMs, link.gcPauseMs + worstDelayMs) + heartbeatMs;
  return { heartbeatMs, timeoutMs: Math.ceil((silenceMs + link.outageBudgetMs - worstDelayMs) / 2) };
}

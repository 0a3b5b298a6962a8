// Known-wrong: the longest silence plus 5%, rounded up to whole milliseconds: on a fast link whose band of safe timeouts is
// about a tenth of a silence of 10 ms, the rounding adds more than the other 5% leaves, and a crash just after a slow heartbeat
// then blows the budget.
type LinkProfile = { typicalDelayMs: number; spikeDelayMs: number; gcPauseMs: number; heartbeatsPerSecMax: number; outageBudgetMs: number };
export function chooseDetector(link: LinkProfile): { heartbeatMs: number; timeoutMs: number } {
  const heartbeatMs = 1000 / link.heartbeatsPerSecMax;
  const silenceMs = Math.max(link.spikeDelayMs, link.gcPauseMs + 4 * link.typicalDelayMs) + heartbeatMs;
  return { heartbeatMs, timeoutMs: Math.ceil(1.05 * silenceMs) };
}

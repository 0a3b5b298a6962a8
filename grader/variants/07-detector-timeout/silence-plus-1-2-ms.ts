// Known-wrong: the longest silence plus a fixed margin of 1.2 ms: on a fast link whose band up to the latest timeout the
// budget allows is 1.1 ms (a tenth of a silence under 11 ms, and a little more), a crash just after a slow heartbeat then
// blows the budget.
type LinkProfile = { typicalDelayMs: number; spikeDelayMs: number; gcPauseMs: number; heartbeatsPerSecMax: number; outageBudgetMs: number };
export function chooseDetector(link: LinkProfile): { heartbeatMs: number; timeoutMs: number } {
  const heartbeatMs = 1000 / link.heartbeatsPerSecMax;
  const silenceMs = Math.max(link.spikeDelayMs, link.gcPauseMs + 4 * link.typicalDelayMs) + heartbeatMs;
  return { heartbeatMs, timeoutMs: silenceMs + 1.2 };
}

// Known-wrong: the longest silence plus a fixed margin of 2 ms: on a fast link whose silence is 12-18 ms the band up to the latest
// timeout the budget allows can be under 2 ms, and a crash just after a slow heartbeat then blows the budget.
type LinkProfile = { typicalDelayMs: number; spikeDelayMs: number; gcPauseMs: number; heartbeatsPerSecMax: number; outageBudgetMs: number };
export function chooseDetector(link: LinkProfile): { heartbeatMs: number; timeoutMs: number } {
  const heartbeatMs = 1000 / link.heartbeatsPerSecMax;
  const silenceMs = Math.max(link.spikeDelayMs, link.gcPauseMs + 4 * link.typicalDelayMs) + heartbeatMs;
  return { heartbeatMs, timeoutMs: silenceMs + 2 };
}

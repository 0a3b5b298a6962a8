// Known-wrong: the longest silence plus a fixed margin of 5 ms: where the band between the silence and the latest timeout the
// budget allows is narrower than 5 ms, the timeout is past the latest one and a crash blows the budget.
type LinkProfile = { typicalDelayMs: number; spikeDelayMs: number; gcPauseMs: number; heartbeatsPerSecMax: number; outageBudgetMs: number };

export function chooseDetector(link: LinkProfile): { heartbeatMs: number; timeoutMs: number } {
  const heartbeatMs = 1000 / link.heartbeatsPerSecMax;
  const silenceMs = Math.max(link.spikeDelayMs, link.gcPauseMs + 4 * link.typicalDelayMs) + heartbeatMs;
  return { heartbeatMs, timeoutMs: silenceMs + 5 };
}

// Known-wrong: the middle of the band, but the latest timeout allows for the last heartbeat's delay
// at its 99th percentile (3 typical delays) instead of its maximum (4): on a budget that leaves a
// band narrower than one typical delay, the middle is past the latest timeout and a crash just after
// a slow heartbeat blows the budget.
type LinkProfile = { typicalDelayMs: number; spikeDelayMs: number; gcPauseMs: number; heartbeatsPerSecMax: number; outageBudgetMs: number };

export function chooseDetector(link: LinkProfile): { heartbeatMs: number; timeoutMs: number } {
  const heartbeatMs = 1000 / link.heartbeatsPerSecMax;
  const silenceMs = Math.max(link.spikeDelayMs, link.gcPauseMs + 4 * link.typicalDelayMs) + heartbeatMs;
  const latestMs = link.outageBudgetMs - 3 * link.typicalDelayMs;
  return { heartbeatMs, timeoutMs: (silenceMs + latestMs) / 2 };
}

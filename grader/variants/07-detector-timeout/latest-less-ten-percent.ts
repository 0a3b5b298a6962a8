// Known-wrong: 10% under the latest timeout the budget allows, "to keep clear of the budget", with
// no look at the longest silence: on a tight budget whose band is under a tenth of the timeout,
// that falls below the silence of a paused leader.
type LinkProfile = { typicalDelayMs: number; spikeDelayMs: number; gcPauseMs: number; heartbeatsPerSecMax: number; outageBudgetMs: number };

export function chooseDetector(link: LinkProfile): { heartbeatMs: number; timeoutMs: number } {
  const heartbeatMs = 1000 / link.heartbeatsPerSecMax;
  return { heartbeatMs, timeoutMs: 0.9 * (link.outageBudgetMs - 4 * link.typicalDelayMs) };
}

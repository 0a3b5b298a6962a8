// Known-wrong: 1.2 ms under the latest timeout the budget allows, with no look at the longest silence: on a fast link whose
// band of safe timeouts is 1.1 ms, that is below the silence of a paused leader, which is replaced while alive.
type LinkProfile = { typicalDelayMs: number; spikeDelayMs: number; gcPauseMs: number; heartbeatsPerSecMax: number; outageBudgetMs: number };
export function chooseDetector(link: LinkProfile): { heartbeatMs: number; timeoutMs: number } {
  return { heartbeatMs: 1000 / link.heartbeatsPerSecMax, timeoutMs: link.outageBudgetMs - 4 * link.typicalDelayMs - 1.2 };
}

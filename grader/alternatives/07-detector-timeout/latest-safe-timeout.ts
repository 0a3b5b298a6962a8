// Correct alternative: the latest timeout the outage budget allows (the budget less the slowest last heartbeat, less a millisecond), heartbeats at the budget's rate.
type LinkProfile = { typicalDelayMs: number; spikeDelayMs: number; gcPauseMs: number; heartbeatsPerSecMax: number; outageBudgetMs: number };

export function chooseDetector(link: LinkProfile): { heartbeatMs: number; timeoutMs: number } {
  return { heartbeatMs: 1000 / link.heartbeatsPerSecMax, timeoutMs: link.outageBudgetMs - 4 * link.typicalDelayMs - 1 };
}

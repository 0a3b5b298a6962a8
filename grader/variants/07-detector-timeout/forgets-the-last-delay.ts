// Known-wrong: spends the whole outage budget on the timeout, forgetting that the last heartbeat before a crash may itself arrive late: a crash just after a slow heartbeat is sent blows the budget.
type LinkProfile = { typicalDelayMs: number; spikeDelayMs: number; gcPauseMs: number; heartbeatsPerSecMax: number; outageBudgetMs: number };

export function chooseDetector(link: LinkProfile): { heartbeatMs: number; timeoutMs: number } {
  return { heartbeatMs: 1000 / link.heartbeatsPerSecMax, timeoutMs: link.outageBudgetMs - 1 };
}

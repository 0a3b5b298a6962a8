// Known-wrong: "to be safe", a timeout three times the spike and pause together: no needless failover, but crashes outlast the budget.
type LinkProfile = { typicalDelayMs: number; spikeDelayMs: number; gcPauseMs: number; heartbeatsPerSecMax: number; outageBudgetMs: number };

export function chooseDetector(link: LinkProfile): { heartbeatMs: number; timeoutMs: number } {
  return { heartbeatMs: 1000 / link.heartbeatsPerSecMax, timeoutMs: 3 * (link.spikeDelayMs + link.gcPauseMs) };
}

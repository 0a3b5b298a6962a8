// Known-wrong: a 20% margin on the longer of spike and pause, plus one interval, in place of the delay of the first heartbeat after waking: a short pause on a slow link fails over.
type LinkProfile = { typicalDelayMs: number; spikeDelayMs: number; gcPauseMs: number; heartbeatsPerSecMax: number; outageBudgetMs: number };

export function chooseDetector(link: LinkProfile): { heartbeatMs: number; timeoutMs: number } {
  const heartbeatMs = 1000 / link.heartbeatsPerSecMax;
  return { heartbeatMs, timeoutMs: 1.2 * Math.max(link.spikeDelayMs, link.gcPauseMs) + heartbeatMs };
}

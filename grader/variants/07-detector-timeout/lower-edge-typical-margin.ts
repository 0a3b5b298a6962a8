// Known-wrong: the longest silence counted with one typical delay after waking instead of the slowest (4 typical), plus 10%: a short pause on a slow link fails over.
type LinkProfile = { typicalDelayMs: number; spikeDelayMs: number; gcPauseMs: number; heartbeatsPerSecMax: number; outageBudgetMs: number };

export function chooseDetector(link: LinkProfile): { heartbeatMs: number; timeoutMs: number } {
  const heartbeatMs = 1000 / link.heartbeatsPerSecMax;
  return { heartbeatMs, timeoutMs: 1.1 * (Math.max(link.spikeDelayMs, link.gcPauseMs + link.typicalDelayMs) + heartbeatMs) };
}

// Correct alternative: the longest silence of a live leader plus a 10% margin, heartbeats at the budget's rate.
type LinkProfile = { typicalDelayMs: number; spikeDelayMs: number; gcPauseMs: number; heartbeatsPerSecMax: number; outageBudgetMs: number };

export function chooseDetector(link: LinkProfile): { heartbeatMs: number; timeoutMs: number } {
  const heartbeatMs = 1000 / link.heartbeatsPerSecMax;
  const worstDelayMs = 4 * link.typicalDelayMs;
  const spikeSilenceMs = link.spikeDelayMs + heartbeatMs;
  const pauseSilenceMs = link.gcPauseMs + heartbeatMs + worstDelayMs;
  return { heartbeatMs, timeoutMs: 1.1 * Math.max(spikeSilenceMs, pauseSilenceMs) };
}

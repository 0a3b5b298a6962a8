// Known-wrong: the longest silence with the first heartbeat after waking at its 99th percentile
// (3 typical delays) instead of its maximum (4), plus a 10% margin: the margin covers the missing
// delay only when the pause is long against the typical delay.
type LinkProfile = { typicalDelayMs: number; spikeDelayMs: number; gcPauseMs: number; heartbeatsPerSecMax: number; outageBudgetMs: number };

export function chooseDetector(link: LinkProfile): { heartbeatMs: number; timeoutMs: number } {
  const heartbeatMs = 1000 / link.heartbeatsPerSecMax;
  const silenceMs = Math.max(link.spikeDelayMs, link.gcPauseMs + 3 * link.typicalDelayMs) + heartbeatMs;
  return { heartbeatMs, timeoutMs: 1.1 * silenceMs };
}

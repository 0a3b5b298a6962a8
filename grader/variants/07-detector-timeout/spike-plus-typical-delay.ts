// Known-wrong: the middle of the band, but the spike's silence adds a typical delay to the spike (Math.max(spike + typical,
// pause + 4 typical) + interval), as if a spiked heartbeat took its usual delay and then the spike: its delay is the spike
// itself, so where the spike outlasts the pause and the band is narrower than a typical delay, the middle is past the latest
// timeout and a crash just after a slow heartbeat blows the budget.
type LinkProfile = { typicalDelayMs: number; spikeDelayMs: number; gcPauseMs: number; heartbeatsPerSecMax: number; outageBudgetMs: number };

export function chooseDetector(link: LinkProfile): { heartbeatMs: number; timeoutMs: number } {
  const heartbeatMs = 1000 / link.heartbeatsPerSecMax;
  const worstDelayMs = 4 * link.typicalDelayMs;
  const silenceMs = Math.max(link.spikeDelayMs + link.typicalDelayMs, link.gcPauseMs + worstDelayMs) + heartbeatMs;
  return { heartbeatMs, timeoutMs: (silenceMs + link.outageBudgetMs - worstDelayMs) / 2 };
}

// Known-wrong: the middle of the band, but the spike's silence is the spike alone (Math.max(spike, pause + 4 typical + interval) instead of Math.max(spike, pause + 4 typical) + interval): the heartbeat before the spiked one left up to an interval earlier, so on a tight budget where the spike outlasts the pause the timeout falls below the silence and a live leader is replaced.
type LinkProfile = { typicalDelayMs: number; spikeDelayMs: number; gcPauseMs: number; heartbeatsPerSecMax: number; outageBudgetMs: number };

export function chooseDetector(link: LinkProfile): { heartbeatMs: number; timeoutMs: number } {
  const heartbeatMs = 1000 / link.heartbeatsPerSecMax;
  const worstDelayMs = 4 * link.typicalDelayMs;
  const spikeSilenceMs = link.spikeDelayMs;
  const pauseSilenceMs = link.gcPauseMs + heartbeatMs + worstDelayMs;
  const longestTimeoutMs = link.outageBudgetMs - worstDelayMs;
  return { heartbeatMs, timeoutMs: (Math.max(spikeSilenceMs, pauseSilenceMs) + longestTimeoutMs) / 2 };
}

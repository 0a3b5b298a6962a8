// Known-wrong: the middle of the band, then heartbeats every tenth of the timeout where the budget allows no faster (etcd's 100
// ms against 1,000 ms), while the silence was counted with the budget's interval: the slower heartbeats lengthen the silence by
// what a tenth of the timeout exceeds that interval, and on a tight budget with many heartbeats a second a paused leader is
// replaced while alive.
type LinkProfile = { typicalDelayMs: number; spikeDelayMs: number; gcPauseMs: number; heartbeatsPerSecMax: number; outageBudgetMs: number };
export function chooseDetector(link: LinkProfile): { heartbeatMs: number; timeoutMs: number } {
  const fastestMs = 1000 / link.heartbeatsPerSecMax;
  const worstDelayMs = 4 * link.typicalDelayMs;
  const silenceMs = Math.max(link.spikeDelayMs, link.gcPauseMs + worstDelayMs) + fastestMs;
  const timeoutMs = (silenceMs + link.outageBudgetMs - worstDelayMs) / 2;
  return { heartbeatMs: Math.max(fastestMs, timeoutMs / 10), timeoutMs };
}

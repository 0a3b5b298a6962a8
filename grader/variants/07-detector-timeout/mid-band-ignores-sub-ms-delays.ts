// Known-wrong: the middle of the band, but heartbeat delays under a millisecond are taken as negligible (0) in the silence and in the
// latest timeout alike: where the spike is the longer silence, the middle moves 2 typical delays late, past the latest timeout
// when the band is narrower than 4 typical delays, and a crash just after a slow heartbeat blows the budget.
type LinkProfile = { typicalDelayMs: number; spikeDelayMs: number; gcPauseMs: number; heartbeatsPerSecMax: number; outageBudgetMs: number };
export function chooseDetector(link: LinkProfile): { heartbeatMs: number; timeoutMs: number } {
  const heartbeatMs = 1000 / link.heartbeatsPerSecMax;
  const worstDelayMs = link.typicalDelayMs < 1 ? 0 : 4 * link.typicalDelayMs;
  const silenceMs = Math.max(link.spikeDelayMs, link.gcPauseMs + worstDelayMs) + heartbeatMs;
  return { heartbeatMs, timeoutMs: (silenceMs + link.outageBudgetMs - worstDelayMs) / 2 };
}

// Known-wrong: the middle of the band between the longest silence and the latest timeout the budget allows, but the silence forgets the delay of the first heartbeat after waking: on a tight budget the middle falls below the real silence.
type LinkProfile = { typicalDelayMs: number; spikeDelayMs: number; gcPauseMs: number; heartbeatsPerSecMax: number; outageBudgetMs: number };

export function chooseDetector(link: LinkProfile): { heartbeatMs: number; timeoutMs: number } {
  const heartbeatMs = 1000 / link.heartbeatsPerSecMax;
  const worstDelayMs = 4 * link.typicalDelayMs;
  const silenceMs = Math.max(link.spikeDelayMs, link.gcPauseMs) + heartbeatMs;
  return { heartbeatMs, timeoutMs: (silenceMs + link.outageBudgetMs - worstDelayMs) / 2 };
}

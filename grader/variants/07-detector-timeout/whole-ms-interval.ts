// Known-wrong: the middle of the band, heartbeating every whole millisecond (Math.ceil of the budget's interval) while the
// silence counts the budget's own interval: where that is just over a whole ms (1000 / 333 = 3.003 ms, sent every 4), the
// silence is almost a millisecond longer than counted, and where the band is narrower than two such ms the middle is below it.
type LinkProfile = { typicalDelayMs: number; spikeDelayMs: number; gcPauseMs: number; heartbeatsPerSecMax: number; outageBudgetMs: number };
export function chooseDetector(link: LinkProfile): { heartbeatMs: number; timeoutMs: number } {
  const fastestMs = 1000 / link.heartbeatsPerSecMax;
  const worstDelayMs = 4 * link.typicalDelayMs;
  const silenceMs = Math.max(link.spikeDelayMs, link.gcPauseMs + worstDelayMs) + fastestMs;
  return { heartbeatMs: Math.ceil(fastestMs), timeoutMs: (silenceMs + link.outageBudgetMs - worstDelayMs) / 2 };
}

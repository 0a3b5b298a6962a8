// Known-wrong: outlasts a pause plus one interval, but forgets the delay of the first heartbeat after the leader wakes: a pause that starts just before a heartbeat is due fails over.
type LinkProfile = { typicalDelayMs: number; spikeDelayMs: number; gcPauseMs: number; heartbeatsPerSecMax: number; outageBudgetMs: number };

export function chooseDetector(link: LinkProfile): { heartbeatMs: number; timeoutMs: number } {
  const heartbeatMs = 1000 / link.heartbeatsPerSecMax;
  return { heartbeatMs, timeoutMs: Math.max(link.spikeDelayMs, link.gcPauseMs) + heartbeatMs + 1 };
}

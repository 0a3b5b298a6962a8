/**
 * Exercise 07 — The failure detector's timeout: reference solution.
 *
 * Heartbeat as often as the budget allows: every millisecond of interval adds to the silence the
 * timeout must outlast. The longest silence of a live leader is the longer of a spike (which
 * holds back the heartbeats behind it) and a pause (plus the first heartbeat's delay after it;
 * 4 typical delays at most), plus one interval: the heartbeat before the silence may have been
 * sent up to an interval earlier. A crash is detected about a timeout after the last heartbeat
 * arrived, so the outage is at most the timeout plus that heartbeat's delay. The timeout goes in
 * the middle of the band between the two: as far from a needless failover as from a blown budget.
 */
export interface LinkProfile {
  typicalDelayMs: number;
  spikeDelayMs: number;
  gcPauseMs: number;
  heartbeatsPerSecMax: number;
  outageBudgetMs: number;
}

export interface DetectorSetting {
  heartbeatMs: number;
  timeoutMs: number;
}

export function chooseDetector(link: LinkProfile): DetectorSetting {
  const heartbeatMs = 1000 / link.heartbeatsPerSecMax;
  const worstDelayMs = 4 * link.typicalDelayMs;
  const longestSilenceMs = Math.max(link.spikeDelayMs, link.gcPauseMs + worstDelayMs) + heartbeatMs;
  const longestTimeoutMs = link.outageBudgetMs - worstDelayMs;
  return { heartbeatMs, timeoutMs: (longestSilenceMs + longestTimeoutMs) / 2 };
}

/**
 * Metrics over a run: commit latency, the data-loss window, replication lag and read freshness.
 *
 * All are pure functions of a RunResult's write table, so they cost nothing during the run. The
 * data-loss window is counted on what followers *received*: a promoted follower replays everything
 * it received, so a write is at risk only while no (or, per follower, not that) follower has it.
 */
import { checkOptions } from "./config/check";
import { ConfigError, checkNumber } from "./errors";
import { policyName } from "./policies";
import type { RunResult } from "./sim";
import { isAscending, percentilesInPlace, quantileBySelect, sorted } from "./stats";

/** The headline numbers of a run. Every field is a finite number (never NaN). */
export type Summary = {
  policy: string;
  followers: number;
  writes: number;
  acknowledged: number;
  /** Writes whose client never got an acknowledgement (refused, timed out, or lost with a crashed leader); stalled ones not included. */
  failedWrites: number;
  stalledWrites: number;
  commitLatencyMsMean: number;
  commitLatencyMsP50: number;
  commitLatencyMsP90: number;
  commitLatencyMsP99: number;
  commitLatencyMsP999: number;
  commitLatencyMsMax: number;
  /** Time-averaged count of acknowledged writes that no follower has yet (lost if the leader died now, even with the best failover). */
  writesAtRiskMean: number;
  writesAtRiskP99: number;
  writesAtRiskMax: number;
  /** Time-averaged count of acknowledged writes missing on a follower, averaged over followers (a failover to a random follower). */
  writesAtRiskAnyFollowerMean: number;
  /** How long acknowledged writes stayed on the leader alone (ms), over writes: mean, p99, max. The max is the worst loss window. */
  lossWindowMsMean: number;
  lossWindowMsP99: number;
  lossWindowMsMax: number;
  /** Replication lag in ms (apply − accept) over all followers' writes. */
  lagMsMean: number;
  lagMsP99: number;
  lagMsMax: number;
  /** Most writes any follower was behind the leader at once. */
  lagWritesMax: number;
  /** Share of (write, follower) pairs where a read of that follower right at the ack would miss the write. */
  staleReadShareAtAck: number;
  /** Span of the run's writes, ms. */
  durationMs: number;
};

// Reused work buffers: summarize needs several arrays as long as the run, and allocating them
// afresh for every run of a sweep kept the garbage collector busier than the metrics themselves.
// They never escape a call, and JavaScript runs one call at a time.
const buffers: Float64Array[] = [];
function scratch(slot: number, n: number): Float64Array {
  if (!buffers[slot] || buffers[slot].length < n) buffers[slot] = new Float64Array(Math.max(n, 1024));
  return buffers[slot].subarray(0, n);
}

/** Throws a ConfigError unless `run` is what `simulate` returned (the first mistake is passing something else). */
export function checkRun(run: unknown, fn: string): asserts run is RunResult {
  const w = (run as RunResult | null)?.writes;
  if (run === null || typeof run !== "object" || w === null || typeof w !== "object" || !(w.ackMs instanceof Float64Array) || !Array.isArray(w.receivedMs)) {
    throw new ConfigError("run", run, `${fn} takes the result of simulate(…), e.g. ${fn}(simulate({ seed: 1 }))`);
  }
}

/** The headline numbers of a run. */
export function summarize(run: RunResult): Summary {
  checkRun(run, "summarize");
  const w = run.writes;
  const n = w.count;
  const lat = percentilesInPlace(run.commitLatencyMs());
  let acknowledged = 0;
  let failed = 0;
  let spanEnd = 0;
  for (let i = 0; i < n; i++) {
    if (w.ackMs[i] < Infinity) acknowledged++;
    else failed++;
    if (w.ackMs[i] < Infinity && w.ackMs[i] > spanEnd) spanEnd = w.ackMs[i];
    if (w.invokeMs[i] > spanEnd) spanEnd = w.invokeMs[i];
  }
  const risk = atRisk(run);
  const lag = lagStats(run);
  return {
    policy: policyName(run.config.ack),
    followers: run.followers.length,
    writes: n,
    acknowledged,
    // Never acknowledged and not still waiting: refused, timed out, or lost with a crashed leader.
    failedWrites: failed - run.stalledWrites,
    stalledWrites: run.stalledWrites,
    commitLatencyMsMean: lat.mean,
    commitLatencyMsP50: lat.p50,
    commitLatencyMsP90: lat.p90,
    commitLatencyMsP99: lat.p99,
    commitLatencyMsP999: lat.p999,
    commitLatencyMsMax: lat.max,
    writesAtRiskMean: risk.bestMean,
    writesAtRiskP99: risk.bestP99,
    writesAtRiskMax: risk.bestMax,
    writesAtRiskAnyFollowerMean: risk.anyMean,
    lossWindowMsMean: risk.windowMean,
    lossWindowMsP99: risk.windowP99,
    lossWindowMsMax: risk.windowMax,
    lagMsMean: lag.meanMs,
    lagMsP99: lag.p99Ms,
    lagMsMax: lag.maxMs,
    lagWritesMax: lag.maxWrites,
    staleReadShareAtAck: staleAtAck(run),
    durationMs: spanEnd,
  };
}

/** Per write: the earliest time any follower received it (Infinity if none did). */
export function bestReceivedMs(run: RunResult): Float64Array {
  checkRun(run, "bestReceivedMs");
  const w = run.writes;
  const best = new Float64Array(w.count).fill(Infinity);
  for (const r of w.receivedMs) for (let i = 0; i < w.count; i++) if (r[i] < best[i]) best[i] = r[i];
  return best;
}

function atRisk(run: RunResult) {
  const w = run.writes;
  const n = w.count;
  const end0 = run.endMs;
  const best = bestReceivedMs(run);
  // Each acknowledged write is "at risk" from its ack until the first follower has it. The count
  // at risk over time is a step function: +1 at each ack, −1 at each first receipt.
  const windows = scratch(0, n);
  const ups = scratch(1, n);
  const downs = scratch(2, n);
  let m = 0;
  let k = 0;
  let end = 0;
  let anySum = 0;
  for (let i = 0; i < n; i++) {
    const ack = w.ackMs[i];
    if (ack === Infinity) continue;
    if (ack > end) end = ack;
    for (const r of w.receivedMs) {
      const gap = Math.min(r[i], end0) - ack;
      if (gap > 0) anySum += gap;
    }
    const exposedUntil = Math.min(best[i], end0);
    if (exposedUntil > ack) {
      windows[k++] = exposedUntil - ack;
      ups[m] = ack;
      downs[m++] = exposedUntil;
      if (exposedUntil > end) end = exposedUntil;
    } else windows[k++] = 0;
  }
  const T = Math.max(end, 1e-9);
  const ws = windows.subarray(0, k);
  let wSum = 0;
  let wMax = 0;
  for (let i = 0; i < ws.length; i++) {
    wSum += ws[i];
    if (ws[i] > wMax) wMax = ws[i];
  }
  const { mean, p99, max } = stepStats(ups.subarray(0, m), downs.subarray(0, m), T, true);
  const followers = Math.max(1, w.receivedMs.length);
  return {
    bestMean: mean,
    bestP99: p99,
    bestMax: max,
    anyMean: w.receivedMs.length === 0 ? mean : anySum / T / followers,
    windowMean: ws.length ? wSum / ws.length : 0,
    windowP99: quantileBySelect(ws, 0.99),
    windowMax: wMax,
  };
}

/**
 * Time-weighted mean, p99 and max of a count that steps +1 at each `ups` time and −1 at each
 * `downs` time, over [0, T]. Times in a run are usually already sorted, so this is linear.
 */
function stepStats(upsIn: Float64Array, downsIn: Float64Array, T: number, wantP99: boolean): { mean: number; p99: number; max: number } {
  const n = upsIn.length;
  if (n === 0) return { mean: 0, p99: 0, max: 0 };
  const u = isAscending(upsIn) ? upsIn : Float64Array.from(upsIn).sort();
  const d = isAscending(downsIn) ? downsIn : Float64Array.from(downsIn).sort();
  const timeAt = wantP99 ? new Float64Array(n + 1) : null; // level -> time spent at it
  let i = 0;
  let j = 0;
  let level = 0;
  let t = 0;
  let area = 0;
  let max = 0;
  while (i < n || j < n) {
    const up = j >= n || (i < n && u[i] <= d[j]);
    const next = up ? u[i] : d[j];
    const dt = next - t;
    if (dt > 0) {
      area += level * dt;
      if (timeAt) timeAt[level] += dt;
      t = next;
    }
    if (up) {
      level++;
      i++;
      if (level > max) max = level;
    } else {
      level--;
      j++;
    }
  }
  const total = Math.max(T, t);
  if (timeAt && total > t) timeAt[level] += total - t;
  let p99 = max;
  if (timeAt) {
    let acc = 0;
    for (let l = 0; l <= max; l++) {
      acc += timeAt[l];
      if (acc >= 0.99 * total) {
        p99 = l;
        break;
      }
    }
  }
  return { mean: area / total, p99, max };
}

function lagStats(run: RunResult): { meanMs: number; p99Ms: number; maxMs: number; maxWrites: number } {
  const w = run.writes;
  const lags = scratch(0, w.count * w.appliedMs.length);
  let k = 0;
  for (const applied of w.appliedMs) {
    for (let i = 0; i < w.count; i++) {
      if (w.acceptMs[i] === Infinity || applied[i] === Infinity) continue;
      lags[k++] = applied[i] - w.acceptMs[i];
    }
  }
  let sum = 0;
  let maxMs = 0;
  for (let i = 0; i < k; i++) {
    sum += lags[i];
    if (lags[i] > maxMs) maxMs = lags[i];
  }
  const p99Ms = quantileBySelect(lags.subarray(0, k), 0.99);
  let maxWrites = 0;
  const ups = scratch(1, w.count);
  const downs = scratch(2, w.count);
  for (const applied of w.appliedMs) {
    let m = 0;
    for (let i = 0; i < w.count; i++) {
      if (w.acceptMs[i] === Infinity) continue;
      ups[m] = w.acceptMs[i];
      downs[m++] = Math.min(applied[i], run.endMs);
    }
    maxWrites = Math.max(maxWrites, stepStats(ups.subarray(0, m), downs.subarray(0, m), run.endMs || 1, false).max);
  }
  return { meanMs: k ? sum / k : 0, p99Ms, maxMs, maxWrites };
}

/** Share of (acknowledged write, follower) pairs a follower read right at the ack would miss. */
function staleAtAck(run: RunResult): number {
  const w = run.writes;
  let stale = 0;
  let total = 0;
  for (const applied of w.appliedMs) {
    for (let i = 0; i < w.count; i++) {
      if (w.ackMs[i] === Infinity) continue;
      total++;
      if (applied[i] > w.ackMs[i]) stale++;
    }
  }
  return total ? stale / total : 0;
}

/** One row per follower per sample time: how far behind the leader it was. Ready for a vega-lite line chart. */
export type LagRow = {
  follower: string;
  tMs: number;
  lagWrites: number;
  lagMs: number;
};

/**
 * Replication lag over time, sampled every `everyMs`: in writes (accepted by the leader but not yet
 * applied) and in ms (age of the oldest such write).
 */
export function lagSeries(run: RunResult, o: { everyMs: number; untilMs?: number }): LagRow[] {
  checkRun(run, "lagSeries");
  checkOptions("lagSeries", o, ["everyMs", "untilMs"], "lagSeries takes (run, { everyMs, untilMs? })");
  const w = run.writes;
  const until = o.untilMs === undefined ? run.endMs : checkNumber("lagSeries.untilMs", o.untilMs, 0, 1e12);
  const step = checkNumber("lagSeries.everyMs", o.everyMs, Number.MIN_VALUE, Infinity, "it must be a sampling interval > 0 ms");
  if (until / step > 10_000_000) throw new ConfigError("lagSeries.everyMs", step, `sampling ${until} ms every ${step} ms makes over 10,000,000 rows per follower; sample less often`);
  const accepted: number[] = [];
  for (let i = 0; i < w.count; i++) if (w.acceptMs[i] < Infinity) accepted.push(i);
  accepted.sort((a, b) => w.acceptMs[a] - w.acceptMs[b]);
  const rows: LagRow[] = [];
  run.followers.forEach((name, f) => {
    const applied = w.appliedMs[f];
    // Walk time forward; `firstUnapplied` only moves forward because followers apply in log order.
    let acc = 0;
    let firstUnapplied = 0;
    const appliedTimes = sorted(accepted.map((i) => applied[i]));
    let appliedCount = 0;
    for (let t = 0; t <= until; t += step) {
      while (acc < accepted.length && w.acceptMs[accepted[acc]] <= t) acc++;
      while (appliedCount < appliedTimes.length && appliedTimes[appliedCount] <= t) appliedCount++;
      while (firstUnapplied < acc && applied[accepted[firstUnapplied]] <= t) firstUnapplied++;
      const lagWrites = Math.max(0, acc - appliedCount);
      const lagMs = firstUnapplied < acc ? t - w.acceptMs[accepted[firstUnapplied]] : 0;
      rows.push({ follower: name, tMs: t, lagWrites, lagMs });
    }
  });
  return rows;
}

/** Freshness of a follower read issued `tMs` after the write's acknowledgement. */
export type FreshnessRow = {
  tMs: number;
  freshShare: number;
  staleShare: number;
};

/**
 * For each delay t: over every acknowledged write and every follower, the share for which a read of
 * that follower t ms after the ack would already see the write. The curve behind "how long until
 * follower reads are safe?".
 */
export function freshnessAt(run: RunResult, tMs: number[]): FreshnessRow[] {
  checkRun(run, "freshnessAt");
  if (!Array.isArray(tMs) || tMs.some((t) => typeof t !== "number" || Number.isNaN(t))) throw new ConfigError("tMs", tMs, "it must be a list of times in ms");
  const w = run.writes;
  const gaps: number[] = [];
  for (const applied of w.appliedMs) {
    for (let i = 0; i < w.count; i++) {
      if (w.ackMs[i] === Infinity) continue;
      gaps.push(applied[i] - w.ackMs[i]);
    }
  }
  const s = sorted(gaps);
  return tMs.map((t) => {
    if (s.length === 0) return { tMs: t, freshShare: 1, staleShare: 0 };
    // fresh iff gap <= t: count of sorted gaps <= t by binary search.
    let lo = 0;
    let hi = s.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (s[mid] <= t) lo = mid + 1;
      else hi = mid;
    }
    const fresh = lo / s.length;
    return { tMs: t, freshShare: fresh, staleShare: 1 - fresh };
  });
}

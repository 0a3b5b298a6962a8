/**
 * The PostgreSQL lab beside the simulator: the results format of `npm run pg-lab`, and the pure
 * functions that run the same configurations in the simulator and chart both side by side.
 *
 * The results are plain data, shared by the script that measures, the tests that check them and the
 * notebook. Latencies are client-side: from sending the INSERT to its reply.
 */

/** PostgreSQL's synchronous_commit levels, from "wait for nothing" to "wait until the standby applied". */
export type SyncCommitLevel = "off" | "local" | "remote_write" | "on" | "remote_apply";

export const SYNC_COMMIT_LEVELS: readonly SyncCommitLevel[] = ["off", "local", "remote_write", "on", "remote_apply"];

/** Percentiles 0, 1, …, 100 of a sample, plus its size and mean. */
export interface LatencySummary {
  count: number;
  meanMs: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  /** 101 values: the 0th, 1st, …, 100th percentile. Enough to resample the distribution. */
  percentilesMs: number[];
}

/** One commit-latency measurement: one setting, many sequential autocommit INSERTs from one client. */
export interface LatencyCase {
  /** Short unique name, e.g. "FIRST 1 · on · s1 +5 ms". */
  label: string;
  /** The primary's synchronous_standby_names during the measurement. */
  standbyNames: string;
  level: SyncCommitLevel;
  /** One-way delay the proxy added on s1's link to the primary (0: none; s2 is never delayed). */
  proxyDelayMs: number;
  /** recovery_min_apply_delay on s1 (0: none). */
  applyDelayMs: number;
  latency: LatencySummary;
}

/** Reads on a standby right after a commit returned: how many missed the write. */
export interface StaleReadCase {
  label: string;
  standbyNames: string;
  level: SyncCommitLevel;
  proxyDelayMs: number;
  /** The standby read from. */
  readFrom: "s1" | "s2";
  trials: number;
  staleReads: number;
}

/** A failover after a crash: acknowledged writes the promoted standby does not have. */
export interface LostWritesCase {
  label: string;
  standbyNames: string;
  level: SyncCommitLevel;
  /** How s1 (the standby promoted afterwards) was cut off: "partition" before the crash, or a delayed link cut at the crash. */
  scenario: "partition-then-crash" | "delayed-link-cut-at-crash";
  proxyDelayMs: number;
  /** How long the writers ran while s1 was cut off (partition) or before the crash (delayed link). */
  windowMs: number;
  writers: number;
  /** Writes acknowledged to the clients before the crash. */
  ackedWrites: number;
  /** Acknowledged writes missing on the promoted standby. */
  lostAckedWrites: number;
  /** Writes in flight at the crash (the client got an error or no answer). */
  unackedWrites: number;
  /** Of those, how many the promoted standby nonetheless has (allowed: the client was never told either way). */
  unackedPresent: number;
}

export interface DelaySamples {
  /** The delay the proxy was asked to add, per direction. */
  requestedMs: number;
  /** Delays it really added (timers fire late), primary to standby. */
  toStandby: LatencySummary;
  /** Standby to primary (the acknowledgements). */
  toPrimary: LatencySummary;
}

export interface PgLabResults {
  /** Format version of this file. */
  version: 1;
  quick: boolean;
  startedAt: string;
  durationMs: number;
  machine: { cpus: number; platform: string; postgres: string };
  /** Commits per latency case, trials per stale-read case. */
  commitsPerCase: number;
  proxy: DelaySamples;
  /**
   * Round trip of a trivial query to the primary (SELECT 1): the client and network share of every
   * latency below, which the simulator's leader does not have.
   */
  roundTrip: LatencySummary;
  latency: LatencyCase[];
  staleReads: StaleReadCase[];
  lostWrites: LostWritesCase[];
}

/** Summarises a sample of durations in ms. Sorts a copy. */
export function summarizeLatencies(samplesMs: ArrayLike<number>): LatencySummary {
  const sorted = Array.from(samplesMs).sort((a, b) => a - b);
  const count = sorted.length;
  if (count === 0) return { count: 0, meanMs: NaN, p50Ms: NaN, p90Ms: NaN, p99Ms: NaN, percentilesMs: [] };
  const at = (q: number) => sorted[Math.min(count - 1, Math.max(0, Math.round(q * (count - 1))))];
  let sum = 0;
  for (const v of sorted) sum += v;
  const percentilesMs: number[] = [];
  for (let i = 0; i <= 100; i++) percentilesMs.push(round3(at(i / 100)));
  return { count, meanMs: round3(sum / count), p50Ms: round3(at(0.5)), p90Ms: round3(at(0.9)), p99Ms: round3(at(0.99)), percentilesMs };
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}

/** The case with this label; throws with the labels there are when it is missing. */
export function latencyCase(results: PgLabResults, label: string): LatencyCase {
  const found = results.latency.find((c) => c.label === label);
  if (!found) throw new Error(`no latency case "${label}"; there are: ${results.latency.map((c) => c.label).join(", ")}`);
  return found;
}

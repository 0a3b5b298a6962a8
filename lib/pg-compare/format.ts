/**
 * The results format of the PostgreSQL lab (`npm run pg-lab`, `runPgLab()`): plain data, shared by
 * the lab that measures, the tests that check it, the comparison with the simulator and notebook 06.
 * Latencies are client-side (from sending the INSERT to its reply) unless said otherwise; every
 * duration is in milliseconds.
 */
import { quantileSorted, sorted } from "../stats";

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
  /**
   * Commits with synchronous_commit = local measured in turns with this case (the same ones for
   * every case measured together; for the local case itself, its own): the primary's commit time
   * under the load this case saw. null in files written before it was measured.
   */
  local: LatencySummary | null;
  /** The primary's WAL fsyncs meanwhile; null before PostgreSQL 15 and in files written before they were timed. */
  walSync: WalSyncStats | null;
}

/**
 * The primary's WAL fsyncs from pg_stat_wal (track_wal_io_timing = on) while a latency case was
 * measured. Cases measured together (in turns) share one count.
 */
export interface WalSyncStats {
  /** fsyncs of WAL meanwhile (by the committing backends and the WAL writer). */
  syncs: number;
  totalMs: number;
  /** Mean time of one fsync: the local flush every commit but `off` waits for, before any WAL is sent. */
  meanMs: number;
}

/**
 * Commits of one synchronous_commit level timed step by step, with one standby synchronous. For
 * each commit: its client-side latency; the primary's fsync of its WAL (pg_stat_wal's wal_sync_time
 * just before and after it), the local flush PostgreSQL makes before it sends any WAL; and
 * pg_stat_replication's lags for the standby, read in the same message right after the commit.
 * Each lag runs from the moment the primary sent the WAL to the moment it heard that the standby
 * had written it to its operating system (write_lag), flushed it to disk (flush_lag) or replayed it
 * (replay_lag): so each includes the trip there and back, and their differences, commit by commit,
 * are the standby's flush and replay. A commit waits for the replies up to its level's step only,
 * so the lags beyond it may belong to an earlier commit: read write_lag from `remote_write` on,
 * flush_lag from `on` on, replay_lag from `remote_apply`.
 */
export interface StepTimings {
  level: "local" | "remote_write" | "on" | "remote_apply";
  /** Commits timed. */
  commits: number;
  latencyMs: LatencySummary;
  /**
   * The primary's WAL fsync for each commit that made exactly one (a commit can find its WAL
   * already flushed by the WAL writer: none then). null before PostgreSQL 15.
   */
  primaryFlushMs: LatencySummary | null;
  /**
   * Commits whose lags PostgreSQL had already cleared when read: it does so when two replies in a
   * row say "replayed everything". With remote_apply that means the standby replayed the commit
   * before it even reported the flush (its flush and apply replies then arrive back to back).
   * They are left out of the lag summaries below, except replayStepMs.
   */
  cleared: number;
  writeLagMs: LatencySummary;
  flushLagMs: LatencySummary;
  replayLagMs: LatencySummary;
  /** flush_lag − write_lag per commit: the standby's fsync of the WAL. */
  flushStepMs: LatencySummary;
  /** replay_lag − flush_lag per commit, with each cleared commit counted as 0. */
  replayStepMs: LatencySummary;
  /**
   * The moments of each commit on the machine's one clock (see CommitClock in the lab), as
   * differences; absent (null after upgradePgLabResults) in files written before they were read.
   * From the backend starting its COMMIT to the walsender sending the WAL: the commit's flush and
   * the walsender waking up.
   */
  shipMs?: LatencySummary | null;
  /** From the walsender sending the WAL to the walreceiver taking it in. */
  transitMs?: LatencySummary | null;
  /**
   * From the walreceiver taking the WAL in to the standby sending the reply the commit waited for:
   * its write (remote_write), write and flush (on), or write, flush, replay and the walreceiver
   * waking to report it (remote_apply). Empty for `local`.
   */
  standbyReplyMs?: LatencySummary | null;
  /**
   * From the standby sending that reply (with both standbys synchronous, the later of their two)
   * to the backend running again: the trip back, the walsender reading the reply and waking the
   * backend, the backend waking and finishing its commit. Empty for `local`.
   */
  releaseMs?: LatencySummary | null;
  /**
   * The same moments kept together, commit by commit: entry i of each list is commit i's, for the
   * commits whose moments were all seen. The steps of one commit are not independent (a busy moment
   * slows the primary's flush, the walsender, the walreceiver and the backend at once), so the
   * simulator draws a commit's steps as one of these rows, never each step on its own. Absent (null
   * after upgradePgLabResults) in files written before version 3.
   */
  perCommit?: CommitSteps | null;
}

/**
 * Timed commits' moments, one entry per commit in each list (ms). For `local`, where no reply is
 * waited for, `replyMs` and `releaseMs` are empty.
 */
export interface CommitSteps {
  /** From the backend starting its COMMIT to the walsender sending the WAL (StepTimings.shipMs). */
  shipMs: number[];
  /** From the walsender sending it to the walreceiver taking it in (StepTimings.transitMs). */
  transitMs: number[];
  /** From the walreceiver taking it in to the standby sending the reply the commit waited for (StepTimings.standbyReplyMs). */
  replyMs: number[];
  /** From that reply (the later one with two synchronous standbys) to the backend running again (StepTimings.releaseMs). */
  releaseMs: number[];
  /** From the backend starting its COMMIT to it running again: the whole commit on the server. */
  commitMs: number[];
}

/** One standby's steps after the WAL arrives (write, flush, replay), and the primary's before it leaves. */
export interface StandbyStepsCase {
  /** "s1 (via the proxy, no delay)" or "s2 (direct)". */
  label: string;
  standby: "s1" | "s2";
  /** synchronous_standby_names during the measurement: one that makes this standby the synchronous one. */
  standbyNames: string;
  /** One entry per level: local, remote_write, on, remote_apply. */
  levels: StepTimings[];
}

/**
 * The standby that releases a block's commits, timed step by step inside a block whose s1 is
 * delayed (its link, or its replay), in turns with that block's latency cases: s2 under `ANY 1`
 * with s1's link delayed, s1 under `FIRST 1` with s1 replaying late. On two cores the primary, both
 * standbys and the lab share the processors, and how busy they are differs from one block to the
 * next: the undelayed blocks' steps do not say how these commits were answered.
 */
export interface BlockStepsCase extends StandbyStepsCase {
  /** The block's delay on s1's link and its recovery_min_apply_delay on s1. */
  proxyDelayMs: number;
  applyDelayMs: number;
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
  /**
   * Where the standby was just before each stale read (its walreceiver's written and flushed
   * positions and its replay position, read in the same call as the read by a query before the
   * read's own, whose snapshot comes after them, against the commit's end): it had not yet
   * written the commit's WAL (or not received it), had written but not flushed it, or had
   * flushed but not replayed it. A standby replays a commit before a snapshot can see it, so
   * every stale read is in one count. The commit's end is taken as the primary's WAL position
   * right after the read: WAL the server writes itself meanwhile (a running-transactions record,
   * a checkpoint) can put a read one step earlier now and then. Before version 5 the positions
   * were read in the read's own statement, after its snapshot: stale reads whose commit was
   * replayed in between are in no count there. Absent in files written before it was measured.
   */
  staleBecause?: { notWritten: number; notFlushed: number; notReplayed: number };
  /**
   * From the commit's end on the primary (clock_timestamp() right after it, in the same message) to
   * the read starting on the standby (clock_timestamp() in the read), in these trials themselves:
   * the reply, the client's read, the standby taking it up, while the standby is busy with this
   * level's remaining steps. Absent (null after upgradePgLabResults) before version 3: then the
   * results' `readPath` stands for every level.
   */
  readPath?: LatencySummary | null;
}

/** A failover after a crash: acknowledged writes the promoted standby does not have. */
export interface LostWritesCase {
  label: string;
  standbyNames: string;
  level: SyncCommitLevel;
  /** How s1 (the standby promoted afterwards) was cut off: "partition" before the crash, or a delayed link cut at the crash. */
  scenario: "partition-then-crash" | "delayed-link-cut-at-crash";
  proxyDelayMs: number;
  /** Writes flowed to both standbys for this long before anything else happened. */
  warmupMs: number;
  /** How long the writers then ran while s1 was cut off (partition) or still linked (delayed link), until the crash. */
  windowMs: number;
  writers: number;
  /**
   * How many times the scenario ran, each on a fresh cluster; the counts below are their sums.
   * A crash loses a handful of writes in the delayed-link scenario, where chance alone moves a
   * count of 15 by a quarter: several crashes make the share a figure to compare. Absent (1 after
   * upgradePgLabResults) before version 4.
   */
  crashes?: number;
  /** Writes acknowledged to the clients before the crash (the signal to the primary). */
  ackedWrites: number;
  /** Acknowledged writes missing on the promoted standby. */
  lostAckedWrites: number;
  /**
   * Writes whose acknowledgement the client took in after the primary was told to stop (an
   * immediate shutdown is not instantaneous: a backend in the middle of its commit may still
   * answer), and how many of those the promoted standby lacks. They are not in `ackedWrites`: the
   * simulator's crash is instantaneous, and it counts what was acknowledged before it. Absent
   * before version 4, when `ackedWrites` included them.
   */
  ackedAfterCrash?: number;
  lostAfterCrash?: number;
  /**
   * Delayed-link scenario: the delays the proxy really added on s1's link during the crashes'
   * windows (its timers fire later while four writers keep the lab's process busy). Absent before
   * version 4: the comparison then takes the latency blocks' (`proxy.toStandby`).
   */
  proxyToStandby?: LatencySummary;
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

/**
 * What `npm run pg-lab` measured. Version 2 added the step timings (`standbySteps`,
 * `roundTripViaProxy`, `readPath`, and each latency case's `local` and `walSync`); version 3 each
 * timed commit's moments kept together (`StepTimings.perCommit`); version 4 the releasing standby timed
 * inside the delayed blocks (`blockSteps`) and failovers repeated (`LostWritesCase.crashes`); version 5 a stale read's
 * positions read just before it (`StaleReadCase.staleBecause`), so they account for every one. An older file reads with what it
 * lacks empty (see `upgradePgLabResults`): from version 1 the comparison has only the round trip
 * and the commit times; from version 2 it takes each step on its own, at its median.
 */
export interface PgLabResults {
  /** Format version of this file. */
  version: 1 | 2 | 3 | 4 | 5;
  quick: boolean;
  startedAt: string;
  durationMs: number;
  machine: {
    cpus: number;
    platform: string;
    postgres: string;
    /** The one-minute load average when the lab started and when it ended (other work sharing the cores); absent in older files. */
    loadAverage?: { atStart: number; atEnd: number };
  };
  /** Commits per latency case, trials per stale-read case. */
  commitsPerCase: number;
  proxy: DelaySamples;
  /**
   * Round trip of a trivial query to the primary (SELECT 1): the client and network share of every
   * latency below, which the simulator's leader does not have.
   */
  roundTrip: LatencySummary;
  /** The same through s1's proxy (no delay): s1's path to the primary, with the proxy's own hop. */
  roundTripViaProxy: LatencySummary | null;
  latency: LatencyCase[];
  /** s1 (via the proxy, no delay) and s2 (direct), each timed step by step as the synchronous standby. */
  standbySteps: StandbyStepsCase[];
  /**
   * s1 and s2 timed step by step while both are synchronous (FIRST 2, no delay): their steps then
   * share the cores and the disk. Absent (empty after upgradePgLabResults) in older files.
   */
  bothSyncSteps?: StandbyStepsCase[];
  /**
   * The standby that releases the commits of a delayed block, timed in that block (`on` only).
   * Absent (empty after upgradePgLabResults) before version 4: the comparison then takes the
   * undelayed blocks' steps for those settings too.
   */
  blockSteps?: BlockStepsCase[];
  /**
   * From the primary finishing a commit (clock_timestamp() right after it, in the same message) to
   * a read starting on s1 (clock_timestamp() there): the reply to the client, its next query and
   * s1 taking it up. Measured with synchronous_commit = local, in turns with the stale reads.
   */
  readPath: LatencySummary | null;
  staleReads: StaleReadCase[];
  lostWrites: LostWritesCase[];
}

/** The current format version, as the lab writes it. */
export const PG_LAB_RESULTS_VERSION = 5;

/** The versions `upgradePgLabResults` reads. */
export const READABLE_PG_LAB_RESULTS_VERSIONS: readonly number[] = [1, 2, 3, 4, 5];

/** Results of any version, in the current shape: what an older file lacks is empty, null or 1. */
export function upgradePgLabResults(r: PgLabResults): PgLabResults {
  return {
    ...r,
    roundTripViaProxy: r.roundTripViaProxy ?? null,
    latency: r.latency.map((c) => ({ ...c, local: c.local ?? null, walSync: c.walSync ?? null })),
    standbySteps: (r.standbySteps ?? []).map(withClockFields),
    bothSyncSteps: (r.bothSyncSteps ?? []).map(withClockFields),
    blockSteps: (r.blockSteps ?? []).map((c) => ({ ...c, ...withClockFields(c) })),
    lostWrites: r.lostWrites.map((c) => ({ ...c, crashes: c.crashes ?? 1 })),
    readPath: r.readPath ?? null,
    staleReads: r.staleReads.map((c) => ({ ...c, readPath: c.readPath ?? null })),
  };
}

function withClockFields(c: StandbyStepsCase): StandbyStepsCase {
  const levels = c.levels.map((l) => ({ ...l, shipMs: l.shipMs ?? null, transitMs: l.transitMs ?? null, standbyReplyMs: l.standbyReplyMs ?? null, releaseMs: l.releaseMs ?? null, perCommit: l.perCommit ?? null }));
  return { ...c, levels };
}

/** Summarises a sample of durations in ms. */
export function summarizeLatencies(samplesMs: ArrayLike<number>): LatencySummary {
  const s = sorted(samplesMs);
  if (s.length === 0) return { count: 0, meanMs: 0, p50Ms: 0, p90Ms: 0, p99Ms: 0, percentilesMs: [] };
  let sum = 0;
  for (let i = 0; i < s.length; i++) sum += s[i];
  const percentilesMs: number[] = [];
  for (let i = 0; i <= 100; i++) percentilesMs.push(round3(quantileSorted(s, i / 100)));
  return {
    count: s.length,
    meanMs: round3(sum / s.length),
    p50Ms: round3(quantileSorted(s, 0.5)),
    p90Ms: round3(quantileSorted(s, 0.9)),
    p99Ms: round3(quantileSorted(s, 0.99)),
    percentilesMs,
  };
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}

/** The timings of one level for one standby; throws when the results lack them. */
export function stepTimings(results: PgLabResults, standby: "s1" | "s2", level: StepTimings["level"]): StepTimings {
  const found = results.standbySteps.find((s) => s.standby === standby)?.levels.find((l) => l.level === level);
  if (!found) throw new Error(`no step timings of ${standby} with ${level}: these results predate them (write new ones with npm run pg-lab -- --quick --json FILE)`);
  return found;
}

/** The case with this label; throws with the labels there are when it is missing. */
export function latencyCase(results: PgLabResults, label: string): LatencyCase {
  const found = results.latency.find((c) => c.label === label);
  if (!found) throw new Error(`no latency case "${label}"; there are: ${results.latency.map((c) => c.label).join(", ")}`);
  return found;
}

/**
 * The lab's results format: what `npm run pg-lab -- --json FILE` writes and `runPgLab()` returns.
 *
 * It is the simulator's comparison format (PgLabResults in lib/pg-compare.ts: commit latency,
 * stale reads, lost writes) plus what the simulator's model of a standby does not have yet, timed
 * on the servers themselves: the primary's WAL fsync in each latency case, and the standby's own
 * write, flush and replay steps.
 */
import { readFileSync } from "node:fs";
import type { LatencyCase, LatencySummary, PgLabResults } from "../lib/pg-compare";

/**
 * The primary's WAL fsyncs from pg_stat_wal (track_wal_io_timing = on) while a latency case was
 * measured. Cases measured together (in turns, see pg-lab/blocks.ts) share one count.
 */
export interface WalSyncStats {
  /** fsyncs of WAL meanwhile (by the committing backends and the WAL writer). */
  syncs: number;
  totalMs: number;
  /** Mean time of one fsync: the local flush every commit but `off` waits for, before any WAL is sent. */
  meanMs: number;
}

export interface MeasuredLatencyCase extends LatencyCase {
  /** null where the server cannot say (PostgreSQL before 15), and in files written before it was measured. */
  walSync: WalSyncStats | null;
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

/** The timings of one level; throws when the results lack them. */
export function stepTimings(steps: StandbyStepsCase, level: StepTimings["level"]): StepTimings {
  const found = steps.levels.find((l) => l.level === level);
  if (!found) throw new Error(`${steps.label}: no step timings for ${level}`);
  return found;
}

export interface LabResults extends PgLabResults {
  /** SELECT 1 round trips to the primary through s1's proxy (no delay): s1's path, with the proxy's own hop. */
  roundTripViaProxy: LatencySummary | null;
  latency: MeasuredLatencyCase[];
  standbySteps: StandbyStepsCase[];
  /**
   * From the primary finishing a commit (clock_timestamp() right after it, in the same message) to
   * a read starting on s1 (clock_timestamp() there): the reply to the client, its next query and
   * s1 taking it up. Measured with synchronous_commit = local, in turns with the stale reads.
   */
  readPath: LatencySummary | null;
}

/** A results file that is not one: names the file and what is wrong. */
export class ResultsFileError extends Error {
  override readonly name = "ResultsFileError";
}

/**
 * Reads a results file written by the lab. Files written before the standby steps were measured
 * lack `standbySteps`, `readPath`, `roundTripViaProxy` and `walSync`: they are read with empty ones, so older recorded
 * runs still load.
 */
export function readLabResults(file: string): LabResults {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new ResultsFileError(`${file}: cannot be read as JSON (${(err as Error).message}); write one with npm run pg-lab -- --quick --json ${file}`);
  }
  const r = parsed as Partial<LabResults> | null;
  const missing = (["version", "roundTrip", "latency", "staleReads", "lostWrites", "proxy"] as const).filter((k) => r == null || r[k] === undefined);
  if (missing.length > 0 || r!.version !== 1) {
    throw new ResultsFileError(
      `${file}: not a PostgreSQL lab results file (${missing.length > 0 ? `missing ${missing.join(", ")}` : `version ${JSON.stringify(r!.version)}, expected 1`}); ` +
        `write one with npm run pg-lab -- --quick --json ${file}`,
    );
  }
  const results = r as LabResults;
  return {
    ...results,
    latency: results.latency.map((c) => ({ ...c, walSync: c.walSync ?? null })),
    standbySteps: results.standbySteps ?? [],
    readPath: results.readPath ?? null,
    roundTripViaProxy: results.roundTripViaProxy ?? null,
  };
}

/** Indented JSON, with lists of numbers (the percentiles) kept on one line each. */
export function resultsJson(results: LabResults): string {
  return JSON.stringify(results, null, 1).replace(/\[\n\s*(-?[\d.e+-]+(?:,\n\s*-?[\d.e+-]+)*)\n\s*\]/g, (_, inner: string) => `[${inner.replace(/\s+/g, "")}]`) + "\n";
}

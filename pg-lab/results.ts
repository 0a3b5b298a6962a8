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
 * pg_stat_replication's lags for one standby, read right after each of a series of commits. Each
 * lag runs from the moment the primary sent the WAL (after its local flush) to the moment it heard
 * that the standby had written it to its operating system (write_lag), flushed it to disk
 * (flush_lag) or replayed it (replay_lag): each includes the trip there and back, and their
 * differences, commit by commit, are the standby's flush and replay.
 */
export interface LagReadings {
  /** synchronous_commit during the commits, with only this standby synchronous. */
  level: "on" | "remote_apply";
  /** Commits timed. */
  commits: number;
  /**
   * Commits whose lags PostgreSQL had already cleared when read: it does so when two replies in a
   * row say "replayed everything". With remote_apply that means the standby replayed the commit
   * before it even reported the flush (its flush and apply replies then arrive back to back).
   * They are left out of the summaries below, except replayStepMs.
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

/**
 * A standby's own steps after the WAL arrives: write, flush, replay. Read them from `on`
 * (write_lag, flush_lag and the flush step: with `on` nothing forces a reply after replay, so the
 * lags are rarely cleared) and from `remoteApply` (the replay step: with remote_apply the standby
 * reports the replay of each commit at once).
 */
export interface StandbyStepsCase {
  /** "s1 (via the proxy, no delay)" or "s2 (direct)". */
  label: string;
  standby: "s1" | "s2";
  /** synchronous_standby_names during the measurement: one that makes this standby the synchronous one. */
  standbyNames: string;
  on: LagReadings;
  remoteApply: LagReadings;
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

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

/** The primary's WAL fsyncs during one latency case, from pg_stat_wal (track_wal_io_timing = on). */
export interface WalSyncStats {
  /** fsyncs of WAL during the case's commits (by the committing backend and the WAL writer). */
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
 * A standby's own steps, timed by the primary: pg_stat_replication's write_lag, flush_lag and
 * replay_lag, read right after each commit with synchronous_commit = remote_apply and only this
 * standby synchronous. Each lag runs from the moment the primary sent the WAL (after its local
 * flush) to the moment it heard the standby had written it to its operating system, flushed it to
 * disk, or replayed it: so each includes the trip there and back, and their differences are the
 * standby's flush and replay.
 */
export interface StandbyStepsCase {
  /** e.g. "s1 (via the proxy, no delay) · remote_apply" */
  label: string;
  standby: "s1" | "s2";
  standbyNames: string;
  level: "remote_apply";
  /** Commits timed. */
  commits: number;
  /**
   * Commits whose lags PostgreSQL had already cleared when read: it does so when two replies in a
   * row say "replayed everything", which here means the standby replayed the commit before it
   * reported the flush. They count as a zero replay step and are left out of the other summaries.
   */
  cleared: number;
  writeLagMs: LatencySummary;
  flushLagMs: LatencySummary;
  replayLagMs: LatencySummary;
  /** flush_lag − write_lag per commit: the standby's fsync of the WAL. */
  flushStepMs: LatencySummary;
  /** replay_lag − flush_lag per commit: the standby's startup process replaying it. */
  replayStepMs: LatencySummary;
  /** For s1: what the proxy's own forwarding added (its delay set to zero), per direction. */
  proxy: { toStandby: LatencySummary; toPrimary: LatencySummary } | null;
}

export interface LabResults extends PgLabResults {
  latency: MeasuredLatencyCase[];
  standbySteps: StandbyStepsCase[];
}

/** A results file that is not one: names the file and what is wrong. */
export class ResultsFileError extends Error {
  override readonly name = "ResultsFileError";
}

/**
 * Reads a results file written by the lab. Files written before the standby steps were measured
 * lack `standbySteps` and `walSync`: they are read with empty ones, so older recorded runs still load.
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
  return { ...results, latency: results.latency.map((c) => ({ ...c, walSync: c.walSync ?? null })), standbySteps: results.standbySteps ?? [] };
}

/** Indented JSON, with lists of numbers (the percentiles) kept on one line each. */
export function resultsJson(results: LabResults): string {
  return JSON.stringify(results, null, 1).replace(/\[\n\s*(-?[\d.e+-]+(?:,\n\s*-?[\d.e+-]+)*)\n\s*\]/g, (_, inner: string) => `[${inner.replace(/\s+/g, "")}]`) + "\n";
}

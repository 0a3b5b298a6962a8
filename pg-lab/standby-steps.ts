/**
 * The steps of a commit: the primary flushes its WAL, then sends it; the standby writes it to its
 * operating system, flushes it to disk, then replays it; `remote_write`, `on` and `remote_apply`
 * wait for one of these each. PostgreSQL times them itself: pg_stat_wal adds up the primary's
 * fsync time (track_wal_io_timing), and for every reply from a standby the primary sets
 * pg_stat_replication's write_lag, flush_lag and replay_lag to the time since it sent the WAL that
 * reply confirms. A commit that waits for a step has seen that step's reply, so the lags read right
 * after it belong to that commit.
 */
import type pg from "pg";
import { summarizeLatencies } from "../lib/pg-compare";
import type { StepTimings } from "../lib/pg-compare";

export interface LagRow {
  write_ms: string | null;
  flush_ms: string | null;
  replay_ms: string | null;
  sync_state: string;
}

export interface TimedCommit {
  latencyMs: number;
  lags: LagRow;
  /** The primary's fsyncs during the commit, from pg_stat_wal; null before PostgreSQL 15. */
  fsyncs: { count: number; totalMs: number } | null;
}

interface WalCounters {
  syncs: number;
  totalMs: number;
}

/**
 * Commits with one connection, each timed step by step (see StepTimings in results.ts). A commit
 * and the read of the standby's lags go in one simple-query message, so the read runs inside the
 * server right after the commit returns, before a later reply can clear the lags; the explicit
 * BEGIN and COMMIT matter, as the statements of one message otherwise share one transaction and the
 * read would run before the commit. Then the backend is asked to hand over its statistics at once
 * (PostgreSQL 15), so that pg_stat_wal, read next, includes this commit's fsync.
 */
export class StepTimer {
  private last: WalCounters | null = null;

  constructor(
    private readonly client: pg.Client,
    private readonly standby: "s1" | "s2",
    private readonly withWalStats: boolean,
  ) {}

  async commit(id: number): Promise<TimedCommit> {
    const start = process.hrtime.bigint();
    const results = (await this.client.query(
      `BEGIN; INSERT INTO lab_steps (id) VALUES (${id}); COMMIT;` +
        " SELECT extract(epoch FROM write_lag) * 1000 AS write_ms, extract(epoch FROM flush_lag) * 1000 AS flush_ms," +
        " extract(epoch FROM replay_lag) * 1000 AS replay_ms, sync_state" +
        ` FROM pg_stat_replication WHERE application_name = '${this.standby}'`,
    )) as unknown as pg.QueryResult[];
    const latencyMs = Number(process.hrtime.bigint() - start) / 1e6;
    const lags = results[3].rows[0] as LagRow | undefined;
    if (!lags) throw new Error(`${this.standby} is missing from pg_stat_replication: it stopped streaming`);
    if (lags.sync_state !== "sync") throw new Error(`${this.standby} is ${lags.sync_state}, not the synchronous standby, while its steps are timed`);
    let fsyncs = null;
    if (this.withWalStats) {
      const before = this.last;
      // Its own message: the backend hands its statistics over when it next waits for a command.
      await this.client.query("SELECT pg_stat_force_next_flush()");
      const row = (await this.client.query("SELECT wal_sync, wal_sync_time FROM pg_stat_wal")).rows[0];
      this.last = { syncs: Number(row.wal_sync), totalMs: Number(row.wal_sync_time) };
      // The first commit has nothing to compare with: it counts as none.
      fsyncs = before ? { count: this.last.syncs - before.syncs, totalMs: this.last.totalMs - before.totalMs } : { count: 0, totalMs: 0 };
    }
    return { latencyMs, lags, fsyncs };
  }
}

/** Collects the timed commits of one level. */
export class StepRecorder {
  private latency: number[] = [];
  private primaryFlush: number[] = [];
  private write: number[] = [];
  private flush: number[] = [];
  private replay: number[] = [];
  private flushStep: number[] = [];
  private replayStep: number[] = [];
  private cleared = 0;
  private commits = 0;
  private walStats = false;

  constructor(readonly level: StepTimings["level"]) {}

  add({ latencyMs, lags, fsyncs }: TimedCommit): void {
    this.commits++;
    this.latency.push(latencyMs);
    if (fsyncs) {
      this.walStats = true;
      // Two or more: the WAL writer or a checkpoint synced meanwhile, and the time is not this commit's alone.
      if (fsyncs.count === 1) this.primaryFlush.push(fsyncs.totalMs);
    }
    if (lags.write_ms === null || lags.flush_ms === null || lags.replay_ms === null) {
      this.cleared++;
      this.replayStep.push(0);
      return;
    }
    const [w, f, r] = [Number(lags.write_ms), Number(lags.flush_ms), Number(lags.replay_ms)];
    this.write.push(w);
    this.flush.push(f);
    this.replay.push(r);
    this.flushStep.push(Math.max(0, f - w));
    this.replayStep.push(Math.max(0, r - f));
  }

  timings(): StepTimings {
    return {
      level: this.level,
      commits: this.commits,
      latencyMs: summarizeLatencies(this.latency),
      primaryFlushMs: this.walStats ? summarizeLatencies(this.primaryFlush) : null,
      cleared: this.cleared,
      writeLagMs: summarizeLatencies(this.write),
      flushLagMs: summarizeLatencies(this.flush),
      replayLagMs: summarizeLatencies(this.replay),
      flushStepMs: summarizeLatencies(this.flushStep),
      replayStepMs: summarizeLatencies(this.replayStep),
    };
  }
}

/**
 * The standby's own steps: after receiving WAL, a standby writes it to its operating system, then
 * flushes it to disk, then replays it; `remote_write`, `on` and `remote_apply` wait for one of these
 * each. PostgreSQL times them itself: for every reply from a standby, the primary sets
 * pg_stat_replication's write_lag, flush_lag and replay_lag to the time since it sent the WAL that
 * reply confirms. A commit that waits for a step has seen that step's reply, so the lags read right
 * after it belong to that commit.
 */
import type pg from "pg";
import { summarizeLatencies } from "../lib/pg-compare";
import type { LagReadings } from "./results";

export interface LagRow {
  write_ms: string | null;
  flush_ms: string | null;
  replay_ms: string | null;
  sync_state: string;
}

/**
 * A commit and the read of `standby`'s lags in one simple-query message: the read runs inside the
 * server right after the commit returns, before a later reply can clear the lags. The explicit
 * BEGIN and COMMIT matter: the statements of one message otherwise share one transaction, and the
 * read would run before the commit.
 */
export async function commitAndReadLags(client: pg.Client, standby: "s1" | "s2", id: number): Promise<LagRow> {
  const results = (await client.query(
    `BEGIN; INSERT INTO lab_steps (id) VALUES (${id}); COMMIT;` +
      " SELECT extract(epoch FROM write_lag) * 1000 AS write_ms, extract(epoch FROM flush_lag) * 1000 AS flush_ms," +
      " extract(epoch FROM replay_lag) * 1000 AS replay_ms, sync_state" +
      ` FROM pg_stat_replication WHERE application_name = '${standby}'`,
  )) as unknown as pg.QueryResult[];
  const row = results[3].rows[0] as LagRow | undefined;
  if (!row) throw new Error(`${standby} is missing from pg_stat_replication: it stopped streaming`);
  if (row.sync_state !== "sync") throw new Error(`${standby} is ${row.sync_state}, not the synchronous standby, while its steps are timed`);
  return row;
}

/** Collects the lags read after commits of one level. */
export class LagRecorder {
  private write: number[] = [];
  private flush: number[] = [];
  private replay: number[] = [];
  private flushStep: number[] = [];
  private replayStep: number[] = [];
  private cleared = 0;
  private commits = 0;

  constructor(readonly level: LagReadings["level"]) {}

  add(row: LagRow): void {
    this.commits++;
    if (row.write_ms === null || row.flush_ms === null || row.replay_ms === null) {
      this.cleared++;
      this.replayStep.push(0);
      return;
    }
    const [w, f, r] = [Number(row.write_ms), Number(row.flush_ms), Number(row.replay_ms)];
    this.write.push(w);
    this.flush.push(f);
    this.replay.push(r);
    this.flushStep.push(Math.max(0, f - w));
    this.replayStep.push(Math.max(0, r - f));
  }

  readings(): LagReadings {
    return {
      level: this.level,
      commits: this.commits,
      cleared: this.cleared,
      writeLagMs: summarizeLatencies(this.write),
      flushLagMs: summarizeLatencies(this.flush),
      replayLagMs: summarizeLatencies(this.replay),
      flushStepMs: summarizeLatencies(this.flushStep),
      replayStepMs: summarizeLatencies(this.replayStep),
    };
  }
}

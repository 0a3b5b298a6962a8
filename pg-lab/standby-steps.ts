/**
 * The steps of a commit: the primary flushes its WAL, then sends it; the standby writes it to its
 * operating system, flushes it to disk, then replays it; `remote_write`, `on` and `remote_apply`
 * wait for one of these each. PostgreSQL times them itself: pg_stat_wal adds up the primary's
 * fsync time (track_wal_io_timing), and for every reply from a standby the primary sets
 * pg_stat_replication's write_lag, flush_lag and replay_lag to the time since it sent the WAL that
 * reply confirms. A commit that waits for a step has seen that step's reply, so the lags read right
 * after it belong to that commit. The lab also reads the moments themselves, all on the machine's
 * one clock: when the backend started, when the walsender sent the WAL and the walreceiver took it
 * in (the standby's pg_stat_wal_receiver), when the standby sent its reply (reply_time) and when the
 * backend ran again; the differences are steps no lag shows, such as the backend waking up.
 */
import type pg from "pg";
import { summarizeLatencies } from "../lib/pg-compare";
import type { CommitSteps, StepTimings } from "../lib/pg-compare";

export interface LagRow {
  write_ms: string | null;
  flush_ms: string | null;
  replay_ms: string | null;
  sync_state: string;
}

/**
 * One standby's view of one commit, on the machine's one clock (clock_timestamp() in the committing
 * backend, the standby's walreceiver and its replies): ms from the backend starting its COMMIT.
 * The backend reads the clock in statements of their own (a cheap SELECT), right before and after
 * the COMMIT, so that neither the INSERT nor the reading of pg_stat_replication is counted.
 * Null where this commit's moment could not be told apart from another's.
 */
export interface CommitClock {
  /** The walsender sent the commit's WAL (the standby's pg_stat_wal_receiver.last_msg_send_time). */
  sentMs: number | null;
  /** The walreceiver took it in (last_msg_receipt_time). */
  receivedMs: number | null;
  /** The standby sent the reply that released the commit (pg_stat_replication.reply_time). */
  repliedMs: number | null;
  /** The backend ran again after its COMMIT. */
  returnedMs: number;
  /** The last reply the commit waited for, of all the standbys timed (with two synchronous, the later one); null if one is unknown. */
  lastReplyMs: number | null;
  /** Every moment of this commit was seen on every standby timed: its rows (CommitSteps) are kept, one per standby, in step. */
  whole: boolean;
}

export interface TimedCommit {
  latencyMs: number;
  lags: LagRow;
  /** The primary's fsyncs during the commit, from pg_stat_wal; null before PostgreSQL 15. */
  fsyncs: { count: number; totalMs: number } | null;
  clock: CommitClock;
}

interface WalCounters {
  syncs: number;
  totalMs: number;
}

/** A standby whose steps are timed: its name and a connection to it (to read pg_stat_wal_receiver). */
export interface TimedStandby {
  name: "s1" | "s2";
  client: pg.Client;
}

/** The replies a level's commit waits for: a later reply (the flush after the write) must not be taken for it. */
const WAITS_FOR: Record<StepTimings["level"], "write" | "flush" | "apply" | null> = { local: null, remote_write: "write", on: "flush", remote_apply: "apply" };

/**
 * Commits with one connection, each timed step by step (see StepTimings in results.ts). A commit
 * and the read of the standbys' lags and reply times go in one simple-query message, so the read
 * runs inside the server right after the commit returns, before a later reply can clear the lags;
 * the explicit BEGIN and COMMIT matter, as the statements of one message otherwise share one
 * transaction and the read would run before the commit. Then each standby says when its walreceiver
 * got the commit's WAL and when the walsender had sent it (pg_stat_wal_receiver keeps the last
 * message's times; nothing else is sent meanwhile, the lab's writes being one at a time). Then the
 * backend is asked to hand over its statistics at once (PostgreSQL 15), so that pg_stat_wal, read
 * next, includes this commit's fsync.
 *
 * Each timed commit follows an untimed one of its own, sent right before it, as every plain commit
 * the lab times follows another: the reads that come after a timed commit leave the primary's
 * walsender, the standby's walreceiver and the committing backend asleep for a while, and a commit
 * that has to wake them is slower (on a quiet machine as much as the standby's whole flush). The
 * untimed commit hands its statistics over as it ends, and the timed one reads pg_stat_wal first,
 * in its own message, so that its fsync count is its own.
 */
export class StepTimer {
  constructor(
    private readonly client: pg.Client,
    private readonly level: StepTimings["level"],
    private readonly standbys: readonly TimedStandby[],
    private readonly withWalStats: boolean,
  ) {}

  async commit(id: number): Promise<TimedCommit[]> {
    const names = this.standbys.map((s) => `'${s.name}'`).join(", ");
    await this.client.query(`INSERT INTO lab_steps (id) VALUES (${-id})${this.withWalStats ? "; SELECT pg_stat_force_next_flush()" : ""}`);
    const start = process.hrtime.bigint();
    const all = (await this.client.query(
      (this.withWalStats ? "SELECT wal_sync, wal_sync_time FROM pg_stat_wal; " : "") +
        `BEGIN; INSERT INTO lab_steps (id) VALUES (${id}); SELECT extract(epoch FROM clock_timestamp()) AS t; COMMIT;` +
        " SELECT extract(epoch FROM clock_timestamp()) AS t;" +
        " SELECT pg_current_wal_lsn()::text AS lsn, application_name," +
        " extract(epoch FROM write_lag) * 1000 AS write_ms, extract(epoch FROM flush_lag) * 1000 AS flush_ms," +
        " extract(epoch FROM replay_lag) * 1000 AS replay_ms, sync_state, extract(epoch FROM reply_time) AS reply," +
        " flush_lsn >= pg_current_wal_lsn() AS flushed, replay_lsn >= pg_current_wal_lsn() AS replayed" +
        ` FROM pg_stat_replication WHERE application_name IN (${names})`,
    )) as unknown as pg.QueryResult[];
    const latencyMs = Number(process.hrtime.bigint() - start) / 1e6;
    const before = this.withWalStats ? walCounters(all[0].rows[0]) : null;
    const results = this.withWalStats ? all.slice(1) : all;
    const began = Number(results[2].rows[0].t);
    const returned = Number(results[4].rows[0].t);
    const rows = results[5].rows;
    const fromStart = (epoch: string | null) => (epoch === null ? null : (Number(epoch) - began) * 1000);
    const timed: TimedCommit[] = [];
    for (const standby of this.standbys) {
      const row = rows.find((r) => r.application_name === standby.name);
      if (!row) throw new Error(`${standby.name} is missing from pg_stat_replication: it stopped streaming`);
      if (row.sync_state !== "sync" && row.sync_state !== "quorum") throw new Error(`${standby.name} is ${row.sync_state}, not a synchronous standby, while its steps are timed`);
      const received = (
        await standby.client.query({
          name: "lab-wal-receiver",
          text:
            "SELECT extract(epoch FROM last_msg_send_time) AS sent, extract(epoch FROM last_msg_receipt_time) AS received," +
            " written_lsn >= $1::pg_lsn AS got FROM pg_stat_wal_receiver",
          values: [row.lsn],
        })
      ).rows[0];
      // The WAL may not be there yet after a `local` commit; then the times are an earlier message's.
      const got = received?.got === true;
      const receivedMs = got ? fromStart(received.received) : null;
      // The reply seen must be the one the commit waited for: after this WAL arrived, and for
      // remote_write not yet the flush's (which follows at once); `on` gets no apply reply of its own.
      const waits = WAITS_FOR[this.level];
      const repliedMs = fromStart(row.reply);
      const returnedMs = (returned - began) * 1000;
      // A reply sent after the backend was back is a later one (the flush's after the write's, or a
      // status report): the one the commit waited for is gone from view.
      const own =
        waits !== null && receivedMs !== null && repliedMs !== null && repliedMs >= receivedMs && repliedMs <= returnedMs && !(waits === "write" && row.flushed === true);
      timed.push({
        latencyMs,
        lags: row as LagRow,
        fsyncs: null,
        clock: { sentMs: got ? fromStart(received.sent) : null, receivedMs, repliedMs: own ? repliedMs : null, returnedMs, lastReplyMs: null, whole: false },
      });
    }
    const replies = timed.map((t) => t.clock.repliedMs);
    const lastReplyMs = replies.every((r) => r !== null) ? Math.max(...(replies as number[])) : null;
    const waits = WAITS_FOR[this.level] !== null;
    const whole = timed.every((t) => t.clock.sentMs !== null && t.clock.receivedMs !== null) && (!waits || lastReplyMs !== null);
    for (const t of timed) {
      t.clock.lastReplyMs = lastReplyMs;
      t.clock.whole = whole;
    }
    if (before) {
      // Its own message: the backend hands its statistics over when it next waits for a command.
      await this.client.query("SELECT pg_stat_force_next_flush()");
      const after = walCounters((await this.client.query("SELECT wal_sync, wal_sync_time FROM pg_stat_wal")).rows[0]);
      for (const t of timed) t.fsyncs = { count: after.syncs - before.syncs, totalMs: after.totalMs - before.totalMs };
    }
    return timed;
  }
}

function walCounters(row: { wal_sync: string; wal_sync_time: string }): WalCounters {
  return { syncs: Number(row.wal_sync), totalMs: Number(row.wal_sync_time) };
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
  private ship: number[] = [];
  private transit: number[] = [];
  private standbyReply: number[] = [];
  private release: number[] = [];
  private perCommit: CommitSteps = { shipMs: [], transitMs: [], replyMs: [], releaseMs: [], commitMs: [] };
  private cleared = 0;
  private commits = 0;
  private walStats = false;

  constructor(readonly level: StepTimings["level"]) {}

  add({ latencyMs, lags, fsyncs, clock }: TimedCommit): void {
    this.commits++;
    this.latency.push(latencyMs);
    const { sentMs, receivedMs, repliedMs, returnedMs, lastReplyMs, whole } = clock;
    if (sentMs !== null && receivedMs !== null) {
      this.ship.push(sentMs);
      this.transit.push(receivedMs - sentMs);
    }
    if (receivedMs !== null && repliedMs !== null) this.standbyReply.push(repliedMs - receivedMs);
    if (lastReplyMs !== null) this.release.push(returnedMs - lastReplyMs);
    // A commit's row only when every moment it has was seen, on every standby timed: a row with a
    // gap is not one commit, and the rows of two standbys timed together stay in step.
    if (whole) {
      const row = this.perCommit;
      row.shipMs.push(round3(sentMs!));
      row.transitMs.push(round3(receivedMs! - sentMs!));
      if (WAITS_FOR[this.level] !== null) {
        row.replyMs.push(round3(repliedMs! - receivedMs!));
        row.releaseMs.push(round3(returnedMs - lastReplyMs!));
      }
      row.commitMs.push(round3(returnedMs));
    }
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
      shipMs: summarizeLatencies(this.ship),
      transitMs: summarizeLatencies(this.transit),
      standbyReplyMs: summarizeLatencies(this.standbyReply),
      releaseMs: summarizeLatencies(this.release),
      perCommit: this.perCommit,
    };
  }
}

/** Microseconds are the clocks' resolution (clock_timestamp(), the timestamps in pg_stat_*). */
function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}

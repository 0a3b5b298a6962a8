/**
 * The steps of replication around the network: when the leader sends an entry (when it accepts it,
 * once its local commit is done, or once its log is flushed while the commit goes on), how long a
 * leader waiting for confirmations takes to wake up and reply, and a follower's steps after the entry arrives (write it to
 * its operating system, flush it to disk, then apply it; the apply itself stays in replication.ts,
 * where reads wait for it). A follower's steps work in log order, one entry at a time, like its
 * apply thread, so a slow flush holds back the entries behind it (with `groupFlush`, one flush
 * covers every entry written before it starts). A step a `jointSteps` row names takes the row's
 * value (joint.ts). The options are described in lib/config/steps.ts.
 *
 * By default the leader sends on accept and writing, flushing and waking take no time; then nothing here
 * draws a random number or moves a clock, and runs are exactly those of a simulator without these
 * steps.
 */
import type { Normalized } from "../config";
import { sampler } from "../dist";
import type { ConfirmStep } from "../policies";
import { stream, type Rng } from "../rng";
import { NO_COLUMN, type JointDraws } from "./joint";

export class ReplicationSteps {
  /** Some follower takes time to write or flush: the steps must be timed. */
  readonly timed: boolean;
  /** The leader sends entries once its local commit is done (else when it accepts them, or `shipAfterFlush`). */
  readonly shipAfterLocalCommit: boolean;
  /** The leader sends entries once its log is flushed, `leaderFlushMs` after the accept (`flushedAt`). */
  readonly shipAfterFlush: boolean;
  /** A leader takes time to wake up once a write's confirmations are in (`wakeMs`). */
  readonly wakes: boolean;
  /** Options the recurrence engine does not follow: runs with them take the event loop. */
  readonly needsEventLoop: boolean;
  /** Per node: when its writer and its flusher are free again. */
  readonly lastWrite: Float64Array;
  readonly lastFlush: Float64Array;
  /** Flushes cover every entry written before they start (groupFlush). */
  private readonly groupFlush: boolean;
  /** Per node, with groupFlush: when its last flush starts (-1: none yet). */
  private readonly flushStart: Float64Array;
  /** Per node, as a leader that ships after its local commit: when its last local commit is done. */
  private readonly lastLocal: Float64Array;
  /** The step a confirmation stands for, as flags the engines' inner loops test cheaply. */
  readonly confirmOnApply: boolean;
  /** Write or flush, and some follower takes time for them (otherwise they are the arrival). */
  readonly confirmOnWrite: boolean;
  readonly confirmOnFlush: boolean;
  private readonly writeD: ((r: Rng) => number)[] = [];
  private readonly flushD: ((r: Rng) => number)[] = [];
  private readonly noWrite: boolean[] = [];
  private readonly noFlush: boolean[] = [];
  private readonly rWrite: Rng[] = [];
  private readonly rFlush: Rng[] = [];
  /** Per node, as a leader that ships after its flush: when its last flush is done. */
  private readonly lastLeaderFlush: Float64Array;
  private readonly leaderFlushD: ((r: Rng) => number) | null;
  private readonly leaderWakeD: (r: Rng) => number;
  private readonly rLeaderFlush: Rng[] = [];
  private readonly rWake: Rng[] = [];

  /** Steps drawn together (joint.ts), or null. */
  private readonly joint: JointDraws | null;

  constructor(cfg: Normalized, confirm: ConfirmStep, joint: JointDraws | null = null) {
    this.joint = joint;
    const column = (columns: Int32Array | undefined, i: number) => (columns !== undefined ? columns[i] : NO_COLUMN);
    const n = cfg.names.length;
    this.shipAfterLocalCommit = cfg.shipAfter === "local-commit";
    this.lastWrite = new Float64Array(n);
    this.lastFlush = new Float64Array(n);
    this.groupFlush = cfg.groupFlush;
    this.flushStart = new Float64Array(n).fill(-1);
    this.lastLocal = new Float64Array(n);
    this.shipAfterFlush = cfg.shipAfter === "local-flush";
    this.lastLeaderFlush = new Float64Array(n);
    this.leaderFlushD = cfg.leaderFlushMs !== null ? sampler(cfg.leaderFlushMs) : null;
    this.leaderWakeD = sampler(cfg.leaderWakeMs);
    this.wakes = !isZero(cfg.leaderWakeMs) || (joint !== null && joint.leaderWake !== NO_COLUMN);
    this.needsEventLoop = this.shipAfterFlush || this.wakes || joint !== null;
    for (let i = 0; i < n; i++) {
      const name = cfg.names[i];
      this.writeD.push(sampler(cfg.writeMs[i]));
      this.flushD.push(sampler(cfg.flushMs[i]));
      this.noWrite.push(isZero(cfg.writeMs[i]) && column(joint?.write, i) === NO_COLUMN);
      this.noFlush.push(isZero(cfg.flushMs[i]) && column(joint?.flush, i) === NO_COLUMN);
      // Streams of their own: timing the steps never reshuffles the network's or the apply's draws.
      this.rWrite.push(stream(cfg.seed, `write/${name}`));
      this.rFlush.push(stream(cfg.seed, `flush/${name}`));
      this.rLeaderFlush.push(stream(cfg.seed, `leader-flush/${name}`));
      this.rWake.push(stream(cfg.seed, `leader-wake/${name}`));
    }
    this.timed = this.noWrite.some((z) => !z) || this.noFlush.some((z) => !z);
    this.confirmOnApply = confirm === "apply";
    this.confirmOnWrite = this.timed && confirm === "write";
    this.confirmOnFlush = this.timed && confirm === "flush";
  }

  /**
   * When leader `node`'s local commit of an entry is done, given when it would be on its own
   * (`doneMs`: accepted now, plus the commit time drawn). A leader that ships only what it has
   * committed makes its entries durable in log order, as a write-ahead log is flushed: an entry
   * is done no sooner than the one before it, so entries also leave in log order. A leader that
   * ships on accept commits each entry on its own, as the simulator always has.
   */
  localCommitMs(node: number, doneMs: number): number {
    if (this.shipAfterFlush) return doneMs > this.lastLeaderFlush[node] ? doneMs : this.lastLeaderFlush[node];
    if (!this.shipAfterLocalCommit) return doneMs;
    const t = doneMs > this.lastLocal[node] ? doneMs : this.lastLocal[node];
    this.lastLocal[node] = t;
    return t;
  }

  /**
   * With shipAfter "local-flush": when leader `node`'s log holding an entry it accepts now is
   * flushed, and the entry leaves. Flushes happen in log order, as a write-ahead log is flushed.
   * Call before `localCommitMs` for the same entry: its local commit is done no sooner.
   */
  flushedAt(node: number, nowMs: number, write: number): number {
    const j = this.joint;
    const drawn = nowMs + (j !== null && j.leaderFlush !== NO_COLUMN ? j.value(write, j.leaderFlush) : this.leaderFlushD!(this.rLeaderFlush[node]));
    const t = drawn > this.lastLeaderFlush[node] ? drawn : this.lastLeaderFlush[node];
    this.lastLeaderFlush[node] = t;
    return t;
  }

  /** How long leader `node` takes, once `write`'s confirmations are in, to wake up and reply. */
  wakeMs(node: number, write: number): number {
    const j = this.joint;
    return j !== null && j.leaderWake !== NO_COLUMN ? j.value(write, j.leaderWake) : this.leaderWakeD(this.rWake[node]);
  }

  /**
   * Writes and flushes an entry that reached `node` at `arrivalMs`; returns when it is flushed,
   * which is when it can start applying. Call only when `timed`; otherwise both steps are the
   * arrival itself.
   */
  writeAndFlush(node: number, arrivalMs: number, write: number): number {
    const last = this.lastWrite[node];
    const written = (arrivalMs > last ? arrivalMs : last) + (this.noWrite[node] ? 0 : this.stepDraw(node, write, false));
    this.lastWrite[node] = written;
    const lastFlushed = this.lastFlush[node];
    let flushed: number;
    if (!this.groupFlush) flushed = (written > lastFlushed ? written : lastFlushed) + (this.noFlush[node] ? 0 : this.stepDraw(node, write, true));
    else if (written <= this.flushStart[node]) flushed = lastFlushed; // the next flush starts after it was written: it covers it
    else {
      // A flush is running (the next one starts when it ends) or none is (one starts now).
      const start = written < lastFlushed ? lastFlushed : written;
      this.flushStart[node] = start;
      flushed = start + (this.noFlush[node] ? 0 : this.stepDraw(node, write, true));
    }
    this.lastFlush[node] = flushed;
    return flushed;
  }

  /** Follower `node`'s write (or flush) time for `write`: its row's, or a draw. */
  private stepDraw(node: number, write: number, flush: boolean): number {
    const j = this.joint;
    const column = j === null ? NO_COLUMN : flush ? j.flush[node] : j.write[node];
    if (column !== NO_COLUMN) return j!.value(write, column);
    return flush ? this.flushD[node](this.rFlush[node]) : this.writeD[node](this.rWrite[node]);
  }

  /**
   * When `node`'s confirmation of the entry it just took through the steps leaves: at the step the
   * acknowledgement rule names. `arrivalMs` and `appliedMs` are that entry's.
   */
  confirmMs(node: number, arrivalMs: number, appliedMs: number): number {
    return this.confirmOnApply ? appliedMs : this.confirmOnFlush ? this.lastFlush[node] : this.confirmOnWrite ? this.lastWrite[node] : arrivalMs;
  }
}

function isZero(d: { kind: string; valueMs?: number }): boolean {
  return d.kind === "constant" && d.valueMs === 0;
}

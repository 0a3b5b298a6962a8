/**
 * Steps drawn together (`jointSteps`, lib/config/joint.ts): each write takes one measured row,
 * chosen from its own stream when the leader accepts it, and every step a column names takes that
 * row's value for that write instead of a draw of its own. Without `jointSteps` nothing here exists
 * and no stream is drawn from, so runs are exactly those of a simulator without it.
 */
import type { Normalized } from "../config";
import type { JointFollowerStep } from "../config/joint";
import { randomInt, stream, type Rng } from "../rng";

/** No column gives this step. */
export const NO_COLUMN = -1;

export class JointDraws {
  readonly rows: number[][];
  /** Columns of the leader's steps (NO_COLUMN: drawn on its own). */
  readonly leaderCommit: number;
  readonly leaderFlush: number;
  readonly leaderWake: number;
  /** Per node, the column of each of its steps (NO_COLUMN: drawn on its own). */
  readonly toFollower: Int32Array;
  readonly write: Int32Array;
  readonly flush: Int32Array;
  readonly apply: Int32Array;
  readonly toLeader: Int32Array;
  /** Per write, its row. */
  rowOf: Int32Array;
  private readonly rng: Rng;

  constructor(cfg: Normalized, capacity: number) {
    const j = cfg.jointSteps!;
    this.rows = j.rowsMs;
    const leader = (step: string) => j.columns.findIndex((c) => c.node === -1 && c.step === step);
    this.leaderCommit = leader("leaderCommitMs");
    this.leaderFlush = leader("leaderFlushMs");
    this.leaderWake = leader("leaderWakeMs");
    const perNode = (step: JointFollowerStep) => {
      const cols = new Int32Array(cfg.names.length).fill(NO_COLUMN);
      j.columns.forEach((c, i) => {
        if (c.step === step) cols[c.node] = i;
      });
      return cols;
    };
    this.toFollower = perNode("toFollowerMs");
    this.write = perNode("writeMs");
    this.flush = perNode("flushMs");
    this.apply = perNode("applyMs");
    this.toLeader = perNode("toLeaderMs");
    this.rowOf = new Int32Array(capacity);
    this.rng = stream(cfg.seed, "joint-steps");
  }

  /** Write `write` takes its row: once, when the leader accepts it. */
  pick(write: number): void {
    this.rowOf[write] = randomInt(this.rng, this.rows.length);
  }

  /** Write `write`'s value of column `column`. */
  value(write: number, column: number): number {
    return this.rows[this.rowOf[write]][column];
  }

  /** The write table grew to `capacity`. */
  resize(capacity: number): void {
    const b = new Int32Array(capacity);
    b.set(this.rowOf);
    this.rowOf = b;
  }
}

/**
 * The `jointSteps` section of the configuration: steps measured together on real operations, drawn
 * together. Each step's own distribution (`leaderFlushMs`, a follower's `flushMs`, …) is drawn on
 * its own for every write; but steps timed on one machine are not independent: a busy moment slows
 * the leader's flush, its sender, the follower's writer and the leader's wake-up at once, so the
 * sum of independent draws (or of medians) is a commit no real one was. With `jointSteps`, every
 * write takes one measured row, chosen at random when the leader accepts it, and each step named
 * in `columns` takes that row's value instead of a draw of its own:
 *
 *     jointSteps: {
 *       columns: ["leaderFlushMs", "s1.toFollowerMs", "s1.flushMs", "leaderWakeMs"],
 *       rowsMs: [[0.5, 0.2, 0.6, 0.2], [0.9, 0.3, 1.4, 0.4], …], // one row per timed commit
 *     }
 *
 * Steps not named keep their own distributions. The in-order rules stay: a follower flushes no
 * entry before the one ahead of it, whatever the row says.
 */
import { ConfigError } from "../errors";
import { checkArray, checkOptions, checkTime } from "./check";

/** The leader's steps a row can give. */
export const JOINT_LEADER_STEPS = ["leaderCommitMs", "leaderFlushMs", "leaderWakeMs"] as const;
/** A follower's steps a row can give, as `"<follower>.<step>"`. */
export const JOINT_FOLLOWER_STEPS = ["toFollowerMs", "writeMs", "flushMs", "applyMs", "toLeaderMs"] as const;

export type JointLeaderStep = (typeof JOINT_LEADER_STEPS)[number];
export type JointFollowerStep = (typeof JOINT_FOLLOWER_STEPS)[number];
/** "leaderFlushMs", or a node's step such as "s1.flushMs". */
export type JointStep = JointLeaderStep | `${string}.${JointFollowerStep}`;

export interface JointStepsConfig {
  /** The step each column of a row gives. */
  columns: JointStep[];
  /** One row per measured operation: a duration in ms per column. */
  rowsMs: number[][];
}

/** Checked, with each column resolved to a leader step or a node index and step. */
export interface NormalizedJointSteps {
  columns: ({ step: JointLeaderStep; node: -1 } | { step: JointFollowerStep; node: number })[];
  rowsMs: number[][];
}

export function normalizeJointSteps(j: JointStepsConfig | undefined, names: readonly string[]): NormalizedJointSteps | null {
  if (j === undefined) return null;
  checkOptions("jointSteps", j, ["columns", "rowsMs"], "it must be { columns, rowsMs }: the steps a row gives, and the measured rows");
  checkArray("jointSteps.columns", j.columns, 'step names such as "leaderFlushMs" or "s1.flushMs"');
  if (j.columns.length === 0) throw new ConfigError("jointSteps.columns", j.columns, "it needs at least one step");
  const seen = new Set<string>();
  const columns = j.columns.map((c, i): NormalizedJointSteps["columns"][number] => {
    const field = `jointSteps.columns[${i}]`;
    if (typeof c !== "string") throw new ConfigError(field, c, 'it must be a step name such as "leaderFlushMs" or "s1.flushMs"');
    if (seen.has(c)) throw new ConfigError(field, c, "each step may be given by one column only");
    seen.add(c);
    if ((JOINT_LEADER_STEPS as readonly string[]).includes(c)) return { step: c as JointLeaderStep, node: -1 };
    const dot = c.lastIndexOf(".");
    const node = names.indexOf(c.slice(0, dot));
    const step = c.slice(dot + 1);
    if (dot < 0 || node < 0 || !(JOINT_FOLLOWER_STEPS as readonly string[]).includes(step)) {
      throw new ConfigError(
        field,
        c,
        `it must be one of ${JOINT_LEADER_STEPS.join(", ")}, or a node's step "<node>.<step>" with a node of ${names.join(", ")} and a step of ${JOINT_FOLLOWER_STEPS.join(", ")}`,
      );
    }
    return { step: step as JointFollowerStep, node };
  });
  checkArray("jointSteps.rowsMs", j.rowsMs, "rows of measured durations in ms");
  if (j.rowsMs.length === 0) throw new ConfigError("jointSteps.rowsMs", j.rowsMs, "it needs at least one measured row");
  const rowsMs = j.rowsMs.map((row, r) => {
    checkArray(`jointSteps.rowsMs[${r}]`, row, "durations in ms, one per column");
    if (row.length !== columns.length) throw new ConfigError(`jointSteps.rowsMs[${r}]`, row, `it must have ${columns.length} values, one per column`);
    return row.map((v, c) => checkTime(`jointSteps.rowsMs[${r}][${c}]`, v, 0, "it must be a finite duration >= 0 ms"));
  });
  return { columns, rowsMs };
}

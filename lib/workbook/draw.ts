/**
 * `await drawCase("01", 81723)` in a notebook: replays one graded case against your exercises/
 * file and draws its failure as a space-time diagram, the operations that broke the guarantee
 * highlighted among their neighbours on the same keys.
 *
 * The case runs in the grader, in a child process, like `check()`: a loop in your code stops the
 * child, not the kernel. The seed is the one `check()` or `npm run grade` printed with the failure.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseFocused, violationDiagram, type FocusedRun } from "../charts/focus";
import { show } from "../charts/show";
import { displayHtml } from "../display";
import { findExercise, projectRoot } from "./project";
import { messageHtml } from "./render";
import { runReplay } from "./run-grader";

export interface DrawCaseOptions {
  /** Only tests whose name contains this (a seed can belong to several tests). */
  test?: string;
  /** The folder graded: "exercises" (default) or "solutions". */
  target?: string;
}

/**
 * Draws the first failing case of exercise `id` on `seed`; returns what was drawn (the part of the
 * run around the violation), or null when the case passes or cannot be drawn, with the reason
 * shown instead.
 */
export async function drawCase(id: string, seed: number, options: DrawCaseOptions = {}): Promise<FocusedRun | null> {
  if (!Number.isInteger(seed) || seed < 0) throw new RangeError(`drawCase(id, seed): seed must be a whole number, got ${seed}`);
  const root = projectRoot();
  const exercise = findExercise(root, id);
  const dir = mkdtempSync(join(tmpdir(), "rl-draw-"));
  try {
    const file = join(dir, "case.json");
    const args = [exercise.id, "--seed", String(seed), "--draw", file, "--target", options.target ?? "exercises"];
    if (options.test !== undefined) args.push("--test", options.test);
    const replay = await runReplay(root, args);
    let drawn: { test: string; case: string; focused: unknown } | undefined;
    try {
      drawn = JSON.parse(readFileSync(file, "utf8")) as typeof drawn;
    } catch {
      drawn = undefined;
    }
    if (!drawn) {
      const title = `${exercise.id} ${exercise.title}, seed ${seed}: nothing drawn`;
      displayHtml(messageHtml(title, replay.output), `${title}\n${replay.output}`);
      return null;
    }
    const focused = parseFocused(drawn.focused);
    await show(violationDiagram(focused), {
      text: `${exercise.id} ${drawn.test}, ${drawn.case}: ${focused.violation.message}`,
    });
    return focused;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * `await drawCase("01", 81723)` in a notebook: replays one graded case against your exercises/
 * file and draws its failure as a space-time diagram, the operations that broke the guarantee
 * highlighted among their neighbours on the same keys.
 *
 * The case runs in the grader's judge, like `check()`: your code runs in its sandbox, and a loop
 * in it stops the sandbox, not the kernel. The seed is the one `check()` or `npm run grade` printed
 * with the failure.
 */
import { parseFocused, violationDiagram, type FocusedRun } from "../lib/charts/focus";
import { show } from "../lib/charts/show";
import { displayHtml } from "../lib/display";
import { judge } from "../grader/api";
import { findExercise, projectRoot } from "./project";
import { messageHtml } from "./render";

export interface DrawCaseOptions {
  /** Only tests whose name contains this (a seed can belong to several tests). */
  test?: string;
  /** The folder graded: "exercises" (default), "solutions", or a path. */
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
  const replayed = await judge(root).replay({ exercise: exercise.id, seed, test: options.test, target: options.target ?? "exercises" });
  if (!replayed.drawn) {
    const title = `${exercise.id} ${exercise.title}, seed ${seed}: nothing drawn`;
    const text = [replayed.text, replayed.why].filter(Boolean).join("\n");
    displayHtml(messageHtml(title, text), `${title}\n${text}`);
    return null;
  }
  const focused = parseFocused(replayed.drawn.focused);
  await show(violationDiagram(focused), {
    text: `${exercise.id} ${replayed.drawn.test}, ${replayed.drawn.case}: ${focused.violation.message}`,
  });
  return focused;
}

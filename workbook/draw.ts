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
import { withSummary } from "./summary";
import { checkOptions, shown, UsageError } from "./usage";

export interface DrawCaseOptions {
  /** Only tests whose name contains this (a seed can belong to several tests). */
  test?: string;
  /** The folder graded: "exercises" (default), "solutions", or a path. */
  target?: string;
}

/**
 * Draws the first failing case of exercise `id` on `seed`; returns what was drawn (the part of the
 * run around the violation), or null when the case passes or cannot be drawn, with the reason
 * shown instead. The notebook shows the diagram once: the returned value prints as a one-line
 * note (its fields are all there for code that reads them, e.g. `.violation`).
 */
export async function drawCase(id: string, seed: number, options: DrawCaseOptions = {}): Promise<FocusedRun | null> {
  const root = projectRoot();
  const exercise = findExercise(root, id);
  if (typeof seed !== "number" || !Number.isInteger(seed) || seed < 0) {
    throw new UsageError(`drawCase(id, seed): seed must be a whole number, the one check() printed with the failure; got ${shown(seed)}`);
  }
  checkOptions("drawCase(id, seed, options)", options, { test: "string", target: "string" });
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
  const what = `${focused.violation.guarantee}, ${focused.violation.ops.length} operation${focused.violation.ops.length === 1 ? "" : "s"}`;
  return withSummary(focused, `drawCase("${exercise.id}", ${seed}): drawn above (${what})`);
}

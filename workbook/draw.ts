/**
 * `await drawCase("01", 81723)` in a notebook: replays one graded case against your exercises/
 * file and draws its failure as a space-time diagram, the operations that broke the guarantee
 * highlighted among their neighbours on the same keys. A hand-written case is named by its label:
 * `await drawCase("01", "three followers, twenty busy clients")`.
 *
 * The case runs in the grader's judge, like `check()`: your code runs in its sandbox, and a loop
 * in it stops the sandbox, not the kernel. The seed or label is the one `check()` or `npm run grade`
 * printed with the failure.
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
 * Draws the first failing case of exercise `id` on `which` (a seed, or a hand-written case's label); returns what was drawn (the part of the
 * run around the violation), or null when the case passes or cannot be drawn, with the reason
 * shown instead. The notebook shows the diagram once: the returned value prints as a one-line
 * note (its fields are all there for code that reads them, e.g. `.violation`).
 */
export async function drawCase(id: string, which: number | string, options: DrawCaseOptions = {}): Promise<FocusedRun | null> {
  const root = projectRoot();
  const exercise = findExercise(root, id);
  const label = typeof which === "string" && which.trim() !== "" && !/^\d+$/.test(which) ? which : undefined;
  if (label === undefined && (typeof which !== "number" || !Number.isInteger(which) || which < 0)) {
    throw new UsageError(
      `drawCase(id, seed): seed must be a whole number, the one check() printed with the failure (or a hand-written case's label, a string); got ${shown(which)}`,
    );
  }
  const seed = label === undefined ? (which as number) : undefined;
  checkOptions("drawCase(id, seed, options)", options, { test: "string", target: "string" });
  const replayed = await judge(root).replay({ exercise: exercise.id, ...(label !== undefined ? { label } : { seed }), test: options.test, target: options.target ?? "exercises" });
  const what = label !== undefined ? `case ${JSON.stringify(label)}` : `seed ${seed}`;
  if (!replayed.drawn) {
    const title = `${exercise.id} ${exercise.title}, ${what}: nothing drawn`;
    const text = [replayed.text, replayed.why].filter(Boolean).join("\n");
    displayHtml(messageHtml(title, text), `${title}\n${text}`);
    return null;
  }
  const focused = parseFocused(replayed.drawn.focused);
  await show(violationDiagram(focused), {
    text: `${exercise.id} ${replayed.drawn.test}, ${replayed.drawn.case}: ${focused.violation.message}`,
  });
  const drawn = `${focused.violation.guarantee}, ${focused.violation.ops.length} operation${focused.violation.ops.length === 1 ? "" : "s"}`;
  return withSummary(focused, `drawCase("${exercise.id}", ${label !== undefined ? JSON.stringify(label) : seed}): drawn above (${drawn})`);
}

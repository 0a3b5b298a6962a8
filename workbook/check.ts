/**
 * `await check("05")` in a notebook: runs that exercise's public tests against exercises/ and
 * shows a pass/fail table with points and feedback.
 */
import { displayHtml } from "../lib/display";
import { judge, type ExerciseReport } from "../grader/api";
import { findExercise, projectRoot } from "./project";
import { exerciseHtml, exerciseText } from "./render";
import { withSummary } from "./summary";

export type CheckResult = ExerciseReport & { passed: boolean };

/**
 * Runs the public tests of exercise `id` (e.g. "05") on your exercises/ file, shows and returns
 * the result. Several ids (`check("05", "06", "07")`) are graded in one call, which is quicker
 * than one call each; each exercise gets its own table, and the first one's result is returned.
 *
 * The grading runs in a process of its own, kept for the next check (the first check of a kernel
 * starts it, which takes a few seconds); your code runs in a sandbox process, never in the kernel.
 * Type errors are listed when the type check has finished by the time the tests have: the first
 * check of a kernel may leave them out (the report says `typeCheckPending`), the next shows them.
 */
export async function check(id: string, ...more: string[]): Promise<CheckResult> {
  const root = projectRoot();
  const exercises = [id, ...more].map((x) => findExercise(root, x));
  const report = await judge(root).check(exercises.map((e) => e.id));
  const results = exercises.map((exercise) => {
    const result = report.exercises.find((e) => e.id === exercise.id);
    if (!result) throw new Error(`the grader reported nothing for exercise ${exercise.id}${report.error ? `: ${report.error}` : ""}`);
    return { id: exercise.id, result: showResult(exercise.id, result) };
  });
  const summary = results.map(({ id: x, result: r }) => `${results.length > 1 ? x + " " : ""}${r.score}/${r.maxScore}`).join(", ");
  const label = `check(${results.map((r) => `"${r.id}"`).join(", ")})`;
  const allPassed = results.every((r) => r.result.passed);
  return withSummary(results[0].result, `${label}: ${summary} public points${allPassed ? ", all passed" : ""}`);
}

function showResult(id: string, result: ExerciseReport): CheckResult {
  const passed = result.score === result.maxScore;
  const firstReplay = result.tests.find((t) => t.replay)?.replay;
  // The test is named so that drawing runs only it (a seed runs in every seeded test of the exercise).
  const drawable = result.tests
    .flatMap((t) => (t.failures ?? []).map((f) => ({ test: t.name, which: f.seed ?? f.label, drawable: f.drawable })))
    .find((f) => f.drawable && f.which !== undefined);
  const footer = passed
    ? "Every public test passes. Hidden tests check the same rules on other cases when your work is graded."
    : [
        `Public tests only; hidden tests are graded later.`,
        firstReplay ? `Rerun a failing case with details: ${firstReplay}` : "",
        drawable ? `See it as a space-time diagram: await drawCase("${id}", ${JSON.stringify(drawable.which)}, { test: ${JSON.stringify(drawable.test)} })` : "",
        `Stuck? hint("${id}") shows a hint.`,
      ].filter(Boolean).join(" ");
  displayHtml(exerciseHtml(result, footer), exerciseText(result, footer));
  return { ...result, passed };
}

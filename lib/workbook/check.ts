/**
 * `await check("05")` in a notebook: runs that exercise's public tests against exercises/ and
 * shows a pass/fail table with points and feedback.
 */
import { displayHtml } from "../display";
import { findExercise, projectRoot } from "./project";
import { exerciseHtml, exerciseText } from "./render";
import type { ExerciseResult } from "./report";
import { runGrader } from "./run-grader";
import { withSummary } from "./summary";

export type CheckResult = ExerciseResult & { passed: boolean };

/**
 * Runs the public tests of exercise `id` (e.g. "05") on your exercises/ file, shows and returns
 * the result. Several ids (`check("05", "06", "07")`) are graded in one run of the grader, which
 * is quicker than one call each; each exercise gets its own table, and the first one's result is
 * returned.
 */
export async function check(id: string, ...more: string[]): Promise<CheckResult> {
  const root = projectRoot();
  const exercises = [id, ...more].map((x) => findExercise(root, x));
  const report = await runGrader(root, ["--target", "exercises", "--only", exercises.map((e) => e.id).join(","), "--public"]);
  const results = exercises.map((exercise) => {
    const result = report.exercises.find((e) => e.id === exercise.id);
    if (!result) throw new Error(`the grader reported nothing for exercise ${exercise.id}`);
    return { id: exercise.id, result: showResult(exercise.id, result) };
  });
  const summary = results.map(({ id: x, result: r }) => `${results.length > 1 ? x + " " : ""}${r.score}/${r.maxScore}`).join(", ");
  const label = `check(${results.map((r) => `"${r.id}"`).join(", ")})`;
  const allPassed = results.every((r) => r.result.passed);
  return withSummary(results[0].result, `${label}: ${summary} public points${allPassed ? ", all passed" : ""}`);
}

function showResult(id: string, result: ExerciseResult): CheckResult {
  const passed = result.score === result.maxScore;
  const firstReplay = result.tests.find((t) => t.replay)?.replay;
  const drawable = result.tests.flatMap((t) => t.failures ?? []).find((f) => f.drawable && f.seed !== undefined);
  const footer = passed
    ? "Every public test passes. Hidden tests check the same rules on other cases when your work is graded."
    : [
        `Public tests only; hidden tests are graded later.`,
        firstReplay ? `Rerun a failing case with details: ${firstReplay}` : "",
        drawable ? `See it as a space-time diagram: await drawCase("${id}", ${drawable.seed})` : "",
        `Stuck? hint("${id}") shows a hint.`,
      ].filter(Boolean).join(" ");
  displayHtml(exerciseHtml(result, footer), exerciseText(result, footer));
  return { ...result, passed };
}

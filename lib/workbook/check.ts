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

/** Runs the public tests of exercise `id` (e.g. "05") on your exercises/ file, shows and returns the result. */
export async function check(id: string): Promise<CheckResult> {
  const root = projectRoot();
  const exercise = findExercise(root, id);
  const report = await runGrader(root, ["--target", "exercises", "--only", exercise.id, "--public"]);
  const result = report.exercises.find((e) => e.id === exercise.id);
  if (!result) throw new Error(`the grader reported nothing for exercise ${exercise.id}`);
  const passed = result.score === result.maxScore;
  const firstReplay = result.tests.find((t) => t.replay)?.replay;
  const footer = passed
    ? "Every public test passes. Hidden tests check the same rules on other cases when your work is graded."
    : [
        `Public tests only; hidden tests are graded later.`,
        firstReplay ? `Rerun a failing case with details: ${firstReplay}` : "",
        `Stuck? hint("${exercise.id}") shows a hint.`,
      ].filter(Boolean).join(" ");
  displayHtml(exerciseHtml(result, footer), exerciseText(result, footer));
  return withSummary({ ...result, passed }, `check("${exercise.id}"): ${result.score}/${result.maxScore} public points${passed ? ", all passed" : ""}`);
}

/** `await progress()`: every exercise's public points and state in one table. */
import { displayHtml } from "../display";
import { hintsSeen } from "./hints-store";
import { listExercises, projectRoot } from "./project";
import { progressHtml, progressText, type ProgressRow } from "./render";
import type { ExerciseResult, GradeResult } from "./report";
import { runGrader } from "./run-grader";
import { withSummary } from "./summary";

function stateOf(ex: ExerciseResult): string {
  if (ex.maxScore > 0 && ex.score === ex.maxScore) return "done";
  if (ex.tests.every((t) => t.notImplemented)) return "not started";
  return "in progress";
}

/** Runs every exercise's public tests against exercises/, shows one row per exercise, returns the report. */
export async function progress(): Promise<GradeResult> {
  const root = projectRoot();
  const report = await runGrader(root, ["--target", "exercises", "--public"]);
  const seen = hintsSeen(root);
  const hintCounts = new Map(listExercises(root).map((e) => [e.id, e.hints.length]));
  const rows: ProgressRow[] = report.exercises.map((ex) => ({
    id: ex.id,
    title: ex.title,
    score: ex.score,
    maxScore: ex.maxScore,
    state: stateOf(ex),
    hintsSeen: `${seen[ex.id] ?? 0}/${hintCounts.get(ex.id) ?? 0}`,
  }));
  const total = { score: report.score, maxScore: report.maxScore };
  displayHtml(progressHtml(rows, total), progressText(rows, total));
  const done = rows.filter((r) => r.state === "done").length;
  return withSummary(report, `progress(): ${done} of ${rows.length} exercises done, ${report.score}/${report.maxScore} public points`);
}

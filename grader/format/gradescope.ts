/**
 * Gradescope's results.json. Hidden tests get the configured visibility (default
 * "after_published"), and the summary students see at once speaks only of public tests: it never
 * says "all tests passed" while hidden ones may have failed.
 */
import type { GradeReport } from "../engine/report";
import { PRINTED_WITHHELD, printedWithheld } from "./printed-text";

export type GradescopeVisibility = "hidden" | "after_due_date" | "after_published" | "visible";

export function formatGradescope(report: GradeReport, hiddenVisibility: GradescopeVisibility = "after_published"): string {
  const tests = report.exercises.flatMap((ex) =>
    ex.tests.map((t, i) => ({
      name: `${ex.id} · ${t.name}`,
      number: `${ex.id}.${i + 1}`,
      score: t.score,
      max_score: t.maxScore,
      status: t.status === "passed" ? "passed" : "failed",
      output: t.message,
      output_format: "text",
      visibility: t.visibility === "hidden" ? hiddenVisibility : "visible",
      tags: [ex.id, t.visibility],
    })),
  );
  const pub = report.exercises.flatMap((e) => e.tests).filter((t) => t.visibility === "public");
  const hiddenPoints = report.exercises.flatMap((e) => e.tests).filter((t) => t.visibility === "hidden").reduce((s, t) => s + t.maxScore, 0);
  const pubScore = Math.round(pub.reduce((s, t) => s + t.score, 0) * 100) / 100;
  const pubMax = pub.reduce((s, t) => s + t.maxScore, 0);
  const lines = [`Public tests: ${pubScore}/${pubMax} points.`];
  if (report.error) lines.unshift(report.error);
  if (hiddenPoints > 0) lines.push(`Hidden tests (${hiddenPoints} more points) check the same rules on other cases; their results appear when grades are published.`);
  for (const ex of report.exercises) if (ex.problem && ex.problem !== report.error) lines.push(`${ex.id}: ${ex.problem}`);
  if (printedWithheld(report)) lines.push(PRINTED_WITHHELD);
  return `${JSON.stringify(
    {
      score: report.score,
      execution_time: Math.round(report.durationMs / 1000),
      output: lines.join("\n"),
      output_format: "text",
      stdout_visibility: "hidden",
      tests,
      extra_data: { maxScore: report.maxScore, hiddenSeeds: report.hiddenSeeds },
    },
    null,
    2,
  )}\n`;
}

/** The terminal table: one block per exercise, one line per test, feedback under failures. */
import type { GradeReport, TestReport } from "../engine/report";

const MARK: Record<TestReport["status"], string> = { passed: "✔", partial: "◐", failed: "✘" };

export function formatTable(report: GradeReport): string {
  const lines: string[] = [`Replication Lab: grading ${report.target}/${report.publicOnly ? " (public tests only)" : ""}`, ""];
  if (report.error) lines.push(report.error, "");
  for (const ex of report.exercises) {
    lines.push(`${ex.id}  ${ex.title}  ${ex.score}/${ex.maxScore}`);
    for (const t of ex.tests) {
      const tag = t.visibility === "hidden" ? " [hidden]" : "";
      lines.push(`  ${MARK[t.status]} ${`${t.score}/${t.maxScore}`.padStart(7)}  ${t.name}${tag}`);
      if (t.status !== "passed" && !(ex.problem && t !== ex.tests[0])) {
        for (const line of t.message.split("\n")) lines.push(`             ${line}`);
      }
    }
    if (ex.typeErrors?.length) lines.push("  type errors (reported, not scored):", ...ex.typeErrors.map((e) => `    ${e}`));
    lines.push("");
  }
  lines.push(`Total: ${report.score}/${report.maxScore} points`);
  if (report.hiddenSeeds === "random") lines.push("(hidden cases ran on random seeds: no grading secret is configured)");
  return `${lines.join("\n")}\n`;
}

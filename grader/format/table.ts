/** The terminal table: one block per exercise, one line per test, feedback under failures. */
import type { GradeReport, TestReport } from "../engine/report";
import { printable } from "./text";

const MARK: Record<TestReport["status"], string> = { passed: "✔", partial: "◐", failed: "✘" };


/**
 * Text that may hold what a student's code printed (feedback, a type error), one terminal line
 * per line: its first line after `indent`, every further line after `indent` and "│ ", which no
 * line of the grader's own starts with, so that no line of it can pass for one ("Total: ...").
 */
function block(indent: string, text: string): string[] {
  const [first, ...rest] = printable(text).split("\n");
  return [`${indent}${first}`, ...rest.map((line) => `${indent}│ ${line}`.trimEnd())];
}

export function formatTable(report: GradeReport): string {
  const lines: string[] = [`Replication Lab: grading ${report.target}/${report.publicOnly ? " (public tests only)" : ""}`, ""];
  if (report.error) lines.push(...block("", report.error), "");
  for (const ex of report.exercises) {
    lines.push(`${ex.id}  ${ex.title}  ${ex.score}/${ex.maxScore}`);
    for (const t of ex.tests) {
      const tag = t.visibility === "hidden" ? " [hidden]" : "";
      lines.push(`  ${MARK[t.status]} ${`${t.score}/${t.maxScore}`.padStart(7)}  ${t.name}${tag}`);
      if (t.status !== "passed" && !(ex.problem && t !== ex.tests[0])) lines.push(...block("             ", t.message));
    }
    if (ex.typeErrors?.length) lines.push("  type errors (reported, not scored):", ...ex.typeErrors.flatMap((e) => block("    ", e)));
    lines.push("");
  }
  lines.push(`Total: ${report.score}/${report.maxScore} points`);
  if (report.hiddenSeeds === "random") lines.push("(hidden cases ran on random seeds: no grading secret is configured)");
  return `${lines.join("\n")}\n`;
}

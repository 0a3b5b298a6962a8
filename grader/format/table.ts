/** The terminal table: one block per exercise, one line per test, feedback under failures. */
import type { GradeReport, Printed, TestReport } from "../engine/report";
import { PRINTED_LABEL, PRINTED_WITHHELD, printedLeftOut, printedWithheld } from "./printed-text";
import { sharedFeedback } from "./shared-messages";
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

/** What the code printed: every line of it after "│ ", so that none can pass for the grader's own. */
function printedLines(printed: Printed): string[] {
  const leftOut = printedLeftOut(printed);
  return [`  ${PRINTED_LABEL}`, ...printable(printed.text).split("\n").map((line) => `    │ ${line}`.trimEnd()), ...(leftOut ? [`    ${leftOut}`] : [])];
}

export function formatTable(report: GradeReport): string {
  const lines: string[] = [`Replication Lab: grading ${report.target}/${report.publicOnly ? " (public tests only)" : ""}`, ""];
  if (report.error) lines.push(...block("", report.error), "");
  for (const ex of report.exercises) {
    lines.push(`${ex.id}  ${ex.title}  ${ex.score}/${ex.maxScore}`);
    // A message several tests share is shown once (format/shared-messages.ts).
    const feedback = sharedFeedback(ex.tests);
    if (feedback.all) lines.push(...block("  ", `all ${feedback.all.tests} tests: ${feedback.all.message}`));
    ex.tests.forEach((t, i) => {
      const tag = t.visibility === "hidden" ? " [hidden]" : "";
      lines.push(`  ${MARK[t.status]} ${`${t.score}/${t.maxScore}`.padStart(7)}  ${t.name}${tag}`);
      const shown = feedback.rows[i];
      if (shown !== undefined) lines.push(...block("             ", shown));
    });
    if (ex.printed) lines.push(...printedLines(ex.printed));
    if (ex.typeErrors?.length) lines.push("  type errors (reported, not scored):", ...ex.typeErrors.flatMap((e) => block("    ", e)));
    lines.push("");
  }
  if (printedWithheld(report)) lines.push(`(${PRINTED_WITHHELD})`, "");
  lines.push(`Total: ${report.score}/${report.maxScore} points`);
  if (report.hiddenSeeds === "random") lines.push("(hidden cases ran on random seeds: no grading secret is configured)");
  return `${lines.join("\n")}\n`;
}

/**
 * How reports for people label what a student's code printed (ExerciseReport.printed): as the
 * student's own output, never as the grader's, with what was left out counted.
 */
import type { GradeReport, Printed } from "../engine/report";

export const PRINTED_LABEL = "Printed by your code while the public tests ran (your own output, not the grader's; not graded):";

/**
 * Said under a grading that ran hidden tests, whatever the code printed: its output is withheld
 * there, since the code could print the hidden inputs it was given. Always said, so that it tells
 * nothing about what the code did.
 */
export const PRINTED_WITHHELD = "What your code printed is not shown when hidden tests run (it could print their inputs); a check (check() in a notebook, or npm run grade -- --public) shows it.";

/** Whether `report` ran hidden tests, so that what the code printed was withheld. */
export function printedWithheld(report: GradeReport): boolean {
  return !report.publicOnly && report.hiddenSeeds !== "not run";
}

/** "… 12 more lines (1,240 characters) not shown", or undefined when nothing was left out. */
export function printedLeftOut(printed: Printed): string | undefined {
  if (printed.moreChars <= 0) return undefined;
  const lines = printed.moreLines === 1 ? "1 more line" : `${printed.moreLines.toLocaleString("en-US")} more lines`;
  return `… ${lines} (${printed.moreChars.toLocaleString("en-US")} characters) not shown`;
}

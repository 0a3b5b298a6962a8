/**
 * How reports for people label what a student's code printed (ExerciseReport.printed): as the
 * student's own output, never as the grader's, with what was left out counted.
 */
import type { Printed } from "../engine/report";

export const PRINTED_LABEL = "Printed by your code while the public tests ran (your own output, not the grader's; not graded):";

/** "… 12 more lines (1,240 characters) not shown", or undefined when nothing was left out. */
export function printedLeftOut(printed: Printed): string | undefined {
  if (printed.moreChars <= 0) return undefined;
  const lines = printed.moreLines === 1 ? "1 more line" : `${printed.moreLines.toLocaleString("en-US")} more lines`;
  return `… ${lines} (${printed.moreChars.toLocaleString("en-US")} characters) not shown`;
}

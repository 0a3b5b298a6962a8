/** The grade report every output format is made from; its shape is defined beside the notebook helpers. */
export type {
  CaseResult,
  ExerciseResult as ExerciseReport,
  GradeResult as GradeReport,
  TestResult as TestReport,
} from "../../lib/workbook/report";

export type TestStatus = "passed" | "partial" | "failed";

/** Rounds a score for reports: partial credit gives fractions of points. */
export function roundScore(x: number): number {
  return Math.round(x * 100) / 100;
}

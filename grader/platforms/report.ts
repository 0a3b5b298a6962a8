/**
 * The grader's JSON report as the platforms read it, checked on the way in.
 *
 * Platform code reads the report from a file the grader wrote; it never trusts that file's shape
 * blindly, because a malformed file must become a zero score with a reason, not a crash.
 */

export interface TestResult {
  name: string;
  status: string;
  score: number;
  maxScore: number;
  message?: string;
}

export interface ExerciseResult {
  id: string;
  score: number;
  maxScore: number;
  tests: TestResult[];
}

export interface GradeReport {
  score: number;
  maxScore: number;
  exercises: ExerciseResult[];
}

/** Parses and checks a report; throws an Error naming the first field that is wrong. */
export function parseReport(text: string): GradeReport {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new Error(`the grader's report is not JSON: ${(error as Error).message}`);
  }
  const report = data as GradeReport;
  requireNumber(report, "score", "report");
  requireNumber(report, "maxScore", "report");
  if (!Array.isArray(report.exercises)) throw new Error("the grader's report has no exercises array");
  report.exercises.forEach((exercise, i) => {
    const where = `exercises[${i}]`;
    if (typeof exercise?.id !== "string") throw new Error(`the grader's report field ${where}.id is not a string`);
    requireNumber(exercise, "score", where);
    requireNumber(exercise, "maxScore", where);
    if (!Array.isArray(exercise.tests)) throw new Error(`the grader's report field ${where}.tests is not an array`);
  });
  return report;
}

function requireNumber(object: object | null, field: string, where: string): void {
  const value = (object as Record<string, unknown> | null)?.[field];
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new Error(`the grader's report field ${where}.${field} is not a finite number: ${JSON.stringify(value)}`);
  }
}

/** The last `maxChars` characters of a process's output, for a failure explanation. */
export function tail(text: string, maxChars = 2000): string {
  const trimmed = text.trim();
  return trimmed.length <= maxChars ? trimmed : `…${trimmed.slice(-maxChars)}`;
}

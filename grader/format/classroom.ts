/**
 * GitHub Classroom's autograding-grading-reporter result: `{ version, status, max_score, tests }`.
 * The reporter reads it base64-encoded from a step output; `classroom` prints the JSON (the
 * grading step encodes it), `classroom-base64` prints the encoded form.
 */
import type { GradeReport } from "../engine/report";

export function classroomResult(report: GradeReport) {
  return {
    version: 1,
    status: report.error ? "error" : report.score === report.maxScore ? "pass" : "fail",
    max_score: report.maxScore,
    tests: report.exercises.flatMap((ex) =>
      ex.tests.map((t) => ({
        name: `${ex.id} · ${t.name}`,
        status: t.status === "passed" ? "pass" : ex.problem ? "error" : "fail",
        score: t.score,
        message: t.message,
      })),
    ),
  };
}

export function formatClassroom(report: GradeReport, base64 = false): string {
  const json = JSON.stringify(classroomResult(report));
  return `${base64 ? Buffer.from(json).toString("base64") : json}\n`;
}

/**
 * Classroom 50's grading step (called by autograder.py from the grader copy beside it):
 *   tsx grader/platforms/classroom50/run.ts --submission DIR --out result.json
 *
 * It grades only the exercise files found in the student's checkout and writes Classroom 50's
 * result.json (schema classroom50/result/v1): the identity fields from the runner's environment
 * (CLASSROOM, ASSIGNMENT, SUBMISSION_TAG, COMMIT_URL, RELEASE_URL, REVIEW_URL, OWNER or USERNAME,
 * ASSIGNMENT_TYPE; the runner stamps owner and assignment_type itself too), and the score.
 *
 * Classroom 50 counts points in whole numbers; partial credit here gives fractions. Each test's
 * `score` is its points rounded to the nearest whole number (never above its `max-score`), the
 * total is the sum of those, and each test keeps its exact `points` and the grader's `message`
 * beside them (Classroom 50 keeps a test's extra fields).
 */
import { rmSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { GradeReport } from "../../engine/report";
import { gradeRepositoryUpload } from "../grader-copy";
import { parseReport } from "../report";
import { writeWhole } from "../../write-whole";

export interface Classroom50Test {
  "test-name": string;
  passed: boolean;
  score: number;
  "max-score": number;
  points: number;
  message: string;
}

export interface Classroom50Result {
  schema: "classroom50/result/v1";
  classroom: string;
  assignment: string;
  owner?: string;
  assignment_type?: string;
  submission: string;
  commit: string;
  release: string;
  review: string;
  datetime: string;
  score: number;
  "max-score": number;
  tests: Classroom50Test[];
}

/** "2026-06-01T14:32:05Z": the format Classroom 50 requires, without milliseconds. */
export function utcSeconds(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

export function classroom50Result(report: GradeReport, env: NodeJS.ProcessEnv, now = new Date()): Classroom50Result {
  const tests = report.exercises.flatMap((ex) =>
    ex.tests.map((t): Classroom50Test => {
      const max = Math.round(t.maxScore);
      return {
        "test-name": `${ex.id} · ${t.name}`,
        passed: t.status === "passed",
        score: Math.min(max, Math.max(0, Math.round(t.score))),
        "max-score": max,
        points: Math.round(t.score * 100) / 100,
        message: t.message,
      };
    }),
  );
  const owner = env.OWNER || env.USERNAME;
  return {
    schema: "classroom50/result/v1",
    classroom: env.CLASSROOM ?? "",
    assignment: env.ASSIGNMENT ?? "",
    ...(owner ? { owner } : {}),
    ...(env.ASSIGNMENT_TYPE ? { assignment_type: env.ASSIGNMENT_TYPE } : {}),
    submission: env.SUBMISSION_TAG ?? "",
    commit: env.COMMIT_URL ?? "",
    release: env.RELEASE_URL ?? "",
    review: env.REVIEW_URL || env.COMMIT_URL || "",
    datetime: utcSeconds(now),
    score: tests.reduce((sum, t) => sum + t.score, 0),
    "max-score": tests.reduce((sum, t) => sum + t["max-score"], 0),
    tests,
  };
}

function option(name: string): string {
  const i = process.argv.indexOf(name);
  const value = i < 0 ? undefined : process.argv[i + 1];
  if (!value) throw new Error("usage: run.ts --submission DIR --out result.json");
  return value;
}

async function main(): Promise<void> {
  const submission = resolve(option("--submission"));
  const out = resolve(option("--out"));
  const graderRoot = resolve(fileURLToPath(new URL(".", import.meta.url)), "../../..");
  // The result goes into the student's checkout, where the repository may already hold something
  // under its name: a result.json of its own (read as this submission's result if grading then
  // fails) or a folder (which the finished result could not replace). Whatever it is goes first.
  rmSync(out, { recursive: true, force: true });
  const graded = await gradeRepositoryUpload(graderRoot, submission, "json", process.env);
  process.stdout.write(`${graded.notes}\n`);
  if (graded.reportText === undefined) throw new Error(graded.failure);
  parseReport(graded.reportText);
  const result = classroom50Result(JSON.parse(graded.reportText) as GradeReport, process.env);
  writeWhole(out, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`Replication Lab: ${result.score} / ${result["max-score"]} points (whole points; exact points per test in result.json)\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  });
}

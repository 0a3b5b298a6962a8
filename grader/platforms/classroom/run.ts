/**
 * Deprecated: GitHub Classroom was discontinued on 2026-08-28; its successor here is the plain
 * GitHub Actions workflow in ../github-actions/. This step stays for tools that still read the
 * autograding-grading-reporter's result (see instructor/README.md).
 *
 * GitHub Classroom's grading step (called by grade.sh inside the pristine grader copy):
 *   tsx grader/platforms/classroom/run.ts --submission DIR [--prune-grader-copy]
 *
 * It first prunes the grader copy down to what grading needs (a full private checkout also holds
 * solutions, variants and history, and student code is about to run next to it), then grades only
 * the exercise files found in the student's repository, and publishes the result the way the
 * autograding-grading-reporter action reads it: `result=<base64 JSON>` in $GITHUB_OUTPUT, where the
 * JSON is `{ version, status, max_score, tests: [{ name, status, score, message }] }`.
 */
import { appendFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { inline, paragraph } from "../../format/markdown";
import { gradeRepositoryUpload, prepareGraderCopy } from "../grader-copy";

export interface ClassroomTest {
  name: string;
  status: "pass" | "fail" | "error";
  score: number;
  message?: string;
}

export interface ClassroomResult {
  version: number;
  status: "pass" | "fail" | "error";
  max_score: number;
  tests: ClassroomTest[];
}

export function errorResult(message: string): ClassroomResult {
  return { version: 1, status: "error", max_score: 0, tests: [{ name: "Replication Lab autograder", status: "error", score: 0, message }] };
}

function parseClassroom(text: string): ClassroomResult {
  const data = JSON.parse(text) as ClassroomResult;
  if (!data || !Array.isArray(data.tests) || typeof data.max_score !== "number") {
    throw new Error("the grader's classroom result has no tests array or max_score");
  }
  return data;
}

/** Grades a student's repository with this grader copy and returns the reporter's JSON. */
export async function gradeRepository(graderRoot: string, submissionDir: string, env: NodeJS.ProcessEnv): Promise<{ result: ClassroomResult; notes: string }> {
  const graded = await gradeRepositoryUpload(graderRoot, submissionDir, "classroom", env);
  try {
    if (graded.reportText === undefined) throw new Error(graded.failure);
    return { result: parseClassroom(graded.reportText), notes: graded.notes };
  } catch (error) {
    return { result: errorResult(`${graded.notes}\n${(error as Error).message}`), notes: graded.notes };
  }
}

/** The Markdown job summary: total, then one line per test; the notes (paths in the student's repository) escaped as plain text. */
export function summaryMarkdown(result: ClassroomResult, notes: string): string {
  const score = result.tests.reduce((sum, t) => sum + (t.score ?? 0), 0);
  const lines = [`## Replication Lab: ${Math.round(score * 100) / 100} / ${result.max_score} points`, "", paragraph(notes), "", "| | test | points |", "|---|---|---|"];
  for (const t of result.tests) {
    lines.push(`| ${t.status === "pass" ? "✅" : "❌"} | ${inline(t.name)} | ${t.score} |`);
  }
  return `${lines.join("\n")}\n`;
}

async function main(): Promise<void> {
  const i = process.argv.indexOf("--submission");
  if (i < 0 || !process.argv[i + 1]) throw new Error("usage: run.ts --submission DIR [--prune-grader-copy]");
  const submission = resolve(process.argv[i + 1]);
  const graderRoot = resolve(fileURLToPath(new URL(".", import.meta.url)), "../../..");
  // Pruning deletes solutions: it runs only on a throw-away copy, which grade.sh vouches for.
  const env = prepareGraderCopy(graderRoot, process.env, { prune: process.argv.includes("--prune-grader-copy") });

  const { result, notes } = await gradeRepository(graderRoot, submission, env);
  const encoded = Buffer.from(JSON.stringify(result)).toString("base64");
  if (process.env.GITHUB_OUTPUT) appendFileSync(process.env.GITHUB_OUTPUT, `result=${encoded}\n`);
  else process.stdout.write(`result=${encoded}\n`);
  if (process.env.GITHUB_STEP_SUMMARY) appendFileSync(process.env.GITHUB_STEP_SUMMARY, summaryMarkdown(result, notes));
  process.stdout.write(summaryMarkdown(result, notes));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    process.stderr.write(`${(error as Error).stack ?? error}\n`);
    process.exit(1);
  });
}

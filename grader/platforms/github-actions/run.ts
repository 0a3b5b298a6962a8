/**
 * The grading step of the GitHub Actions workflow (replication-lab.yml), called by grade.sh inside
 * the pristine grader copy the workflow fetched:
 *   tsx grader/platforms/github-actions/run.ts --submission DIR --out DIR [--prune-grader-copy]
 *
 * It grades only the exercise files found in the student's repository and writes, into --out:
 *   report.json     the grader's JSON report, with what was taken from the repository (the artifact)
 *   summary.md      the job summary: a Markdown table of the exercises, then what failed and why
 *   check-run.json  the body of GitHub's "create a check run" request: the score as its title
 * It appends summary.md to $GITHUB_STEP_SUMMARY and sets the step outputs score, max-score,
 * conclusion and check-run (the payload's path). When grading fails, all three files still say
 * why, with no score.
 */
import { appendFileSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { GradeReport } from "../../engine/report";
import { formatMarkdown, paragraph } from "../../format/markdown";
import { gradeRepositoryUpload, prepareGraderCopy } from "../grader-copy";
import { parseReport } from "../report";
import { writeWhole } from "../../write-whole";

/** The check run's name, as the commit's checks list shows it. */
export const CHECK_RUN_NAME = "Replication Lab score";
/** GitHub refuses a check run whose output.summary is longer than this. */
export const CHECK_RUN_SUMMARY_MAX = 65_535;

export interface CheckRunPayload {
  name: string;
  head_sha: string;
  status: "completed";
  conclusion: "success" | "failure";
  output: { title: string; summary: string };
}

export interface ActionsGrade {
  /** The grader's report, when grading produced one. */
  report?: GradeReport;
  /** What was taken from the repository. */
  notes: string;
  /** Why there is no report. */
  failure?: string;
}

/** Grades the repository checked out at `submissionDir` with the grader copy at `graderRoot`. */
export async function gradeRepository(graderRoot: string, submissionDir: string, env: NodeJS.ProcessEnv): Promise<ActionsGrade> {
  const graded = await gradeRepositoryUpload(graderRoot, submissionDir, "json", env);
  try {
    if (graded.reportText === undefined) throw new Error(graded.failure);
    // The report comes from the grader's own scorer process; its shape is still checked on the way in.
    parseReport(graded.reportText);
    return { report: JSON.parse(graded.reportText) as GradeReport, notes: graded.notes };
  } catch (error) {
    return { notes: graded.notes, failure: (error as Error).message };
  }
}

function points(x: number): string {
  return String(Math.round(x * 100) / 100);
}

/**
 * The job summary: the score and the exercise table (grader/format/markdown.ts), what was graded.
 * The notes name paths in the student's repository (a folder's name may hold a newline, < or >)
 * and a failure may quote them: both are escaped as plain text.
 */
export function summaryMarkdown(grade: ActionsGrade): string {
  if (!grade.report) {
    return `## Replication Lab: not graded\n\n${paragraph(grade.notes)}\n\n**Grading failed:** ${paragraph(grade.failure ?? "")}\n`;
  }
  const [heading, ...rest] = formatMarkdown(grade.report).split("\n");
  return `${[heading, "", paragraph(grade.notes), ...rest].join("\n")}`;
}

/** The body of POST /repos/{owner}/{repo}/check-runs for this grade. */
export function checkRunPayload(grade: ActionsGrade, summary: string, headSha: string): CheckRunPayload {
  const report = grade.report;
  const full = report !== undefined && !report.error && report.score === report.maxScore;
  const title = report ? `${points(report.score)} / ${points(report.maxScore)} points` : "not graded: the grader produced no report";
  const cut = "\n\n_(cut here: the whole report is in the run's replication-lab-report artifact)_";
  return {
    name: CHECK_RUN_NAME,
    head_sha: headSha,
    status: "completed",
    conclusion: full ? "success" : "failure",
    output: {
      title,
      summary: summary.length <= CHECK_RUN_SUMMARY_MAX ? summary : `${summary.slice(0, CHECK_RUN_SUMMARY_MAX - cut.length)}${cut}`,
    },
  };
}

/** Writes report.json, summary.md and check-run.json into `outDir`; returns the payload. */
export function writeOutputs(outDir: string, grade: ActionsGrade, env: NodeJS.ProcessEnv): CheckRunPayload {
  mkdirSync(outDir, { recursive: true });
  const summary = summaryMarkdown(grade);
  const payload = checkRunPayload(grade, summary, env.GITHUB_SHA ?? "");
  const report = {
    repository: env.GITHUB_REPOSITORY,
    commit: env.GITHUB_SHA,
    notes: grade.notes,
    ...(grade.report ?? { error: grade.failure, score: 0, maxScore: 0, exercises: [] }),
  };
  writeWhole(join(outDir, "report.json"), `${JSON.stringify(report, null, 2)}\n`);
  writeWhole(join(outDir, "summary.md"), summary);
  writeWhole(join(outDir, "check-run.json"), `${JSON.stringify(payload, null, 2)}\n`);
  if (env.GITHUB_STEP_SUMMARY) appendFileSync(env.GITHUB_STEP_SUMMARY, summary);
  if (env.GITHUB_OUTPUT) {
    const outputs = {
      score: grade.report ? points(grade.report.score) : "",
      "max-score": grade.report ? points(grade.report.maxScore) : "",
      conclusion: payload.conclusion,
      "check-run": join(outDir, "check-run.json"),
    };
    appendFileSync(env.GITHUB_OUTPUT, Object.entries(outputs).map(([k, v]) => `${k}=${v}\n`).join(""));
  }
  return payload;
}

function option(name: string): string {
  const i = process.argv.indexOf(name);
  const value = i < 0 ? undefined : process.argv[i + 1];
  if (!value) throw new Error("usage: run.ts --submission DIR --out DIR [--prune-grader-copy]");
  return value;
}

async function main(): Promise<void> {
  const submission = resolve(option("--submission"));
  const outDir = resolve(option("--out"));
  const graderRoot = resolve(fileURLToPath(new URL(".", import.meta.url)), "../../..");
  // Pruning deletes solutions: it runs only on a throw-away copy, which grade.sh vouches for.
  const env = prepareGraderCopy(graderRoot, process.env, { prune: process.argv.includes("--prune-grader-copy") });
  const grade = await gradeRepository(graderRoot, submission, env);
  const payload = writeOutputs(outDir, grade, process.env);
  process.stdout.write(`Replication Lab: ${payload.output.title}\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    process.stderr.write(`${(error as Error).stack ?? error}\n`);
    process.exit(1);
  });
}

/**
 * Grades a folder of submissions in parallel and writes a gradebook.
 *
 * Each submission is one folder (or one .zip) in the submissions folder, named after the student
 * or submission id. Only its exercise files are copied into a fresh grading folder; each one is
 * graded by its own grader process (`grader/cli.ts --format json`), so a submission that crashes
 * or hangs its run costs only its own row.
 */
import { availableParallelism } from "node:os";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { collectSubmission, describeCollection, exerciseFileNames, stageSubmission } from "./platforms/collect";
import { parseReport, tail, type GradeReport } from "./platforms/report";
import { runProcess } from "./platforms/run-process";
import { extractZip } from "./platforms/unzip";
import { writeGradebook, type GradebookRow } from "./gradebook";
import type { BatchProgress } from "./batch-progress";

export interface BatchOptions {
  /** Folder holding one sub-folder or .zip per submission. */
  submissionsDir: string;
  /** Where the CSV gradebook goes. */
  outCsv: string;
  /** Where one JSON report per submission goes; default: `<outCsv without .csv>-reports/`. */
  reportsDir?: string;
  /** Parallel grading processes; default: the number of cores. */
  workers?: number;
  /** Wall-clock limit for one submission's grading process. */
  timeoutMsPerSubmission?: number;
  /** The grader copy to grade with; default: this project. */
  graderRoot?: string;
  /** Receives progress; default: none. */
  progress?: BatchProgress;
  /** Extra environment for the grading processes (e.g. the hidden-seed secret). */
  env?: NodeJS.ProcessEnv;
}

export interface SubmissionOutcome extends GradebookRow {
  reportPath: string;
  durationMs: number;
}

export interface BatchSummary {
  outcomes: SubmissionOutcome[];
  csvPath: string;
  reportsDir: string;
  wallMs: number;
}

const PROJECT_ROOT = resolve(fileURLToPath(new URL(".", import.meta.url)), "..");
const DEFAULT_TIMEOUT_MS = 5 * 60_000;

export interface Submission {
  id: string;
  path: string;
  zipped: boolean;
}

/** The submissions in a folder: its sub-folders and .zip files, sorted by id. Hidden entries are skipped. */
export function listSubmissions(dir: string): Submission[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new Error(`--batch: ${dir} is not a folder; give a folder with one sub-folder or .zip per submission`);
  }
  const found: Submission[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith(".")) continue;
    const path = join(dir, name);
    const stat = statSync(path);
    if (stat.isDirectory()) found.push({ id: name, path, zipped: false });
    else if (stat.isFile() && name.toLowerCase().endsWith(".zip")) found.push({ id: name.slice(0, -4), path, zipped: true });
  }
  return found;
}

export async function runBatch(options: BatchOptions): Promise<BatchSummary> {
  const started = process.hrtime.bigint();
  const graderRoot = resolve(options.graderRoot ?? PROJECT_ROOT);
  const submissions = listSubmissions(options.submissionsDir);
  const csvPath = resolve(options.outCsv);
  const reportsDir = resolve(options.reportsDir ?? `${csvPath.replace(/\.csv$/i, "")}-reports`);
  mkdirSync(reportsDir, { recursive: true });
  const workers = Math.max(1, Math.min(options.workers ?? availableParallelism(), submissions.length || 1));
  const workDir = mkdtempSync(join(tmpdir(), "rl-batch-"));
  const names = exerciseFileNames(graderRoot);
  const progress = options.progress;
  progress?.start(submissions.length, workers);

  const outcomes: SubmissionOutcome[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < submissions.length) {
      const submission = submissions[next++];
      progress?.begin(submission.id);
      const outcome = await gradeOne(submission, { graderRoot, names, workDir, reportsDir, options });
      outcomes.push(outcome);
      progress?.finish(outcome);
    }
  };
  try {
    await Promise.all(Array.from({ length: workers }, worker));
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  outcomes.sort((a, b) => a.id.localeCompare(b.id));
  writeGradebook(csvPath, outcomes);
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  progress?.done(outcomes, wallMs);
  return { outcomes, csvPath, reportsDir, wallMs };
}

interface GradeContext {
  graderRoot: string;
  names: string[];
  workDir: string;
  reportsDir: string;
  options: BatchOptions;
}

async function gradeOne(submission: Submission, ctx: GradeContext): Promise<SubmissionOutcome> {
  const safeId = submission.id.replace(/[^A-Za-z0-9._@+-]/g, "_");
  const reportPath = join(ctx.reportsDir, `${safeId}.json`);
  const here = join(ctx.workDir, safeId);
  const started = process.hrtime.bigint();
  const elapsed = (): number => Number(process.hrtime.bigint() - started) / 1e6;
  let notes = "";
  try {
    let source = submission.path;
    if (submission.zipped) {
      source = join(here, "upload");
      extractZip(readFileSync(submission.path), source);
    }
    const collected = collectSubmission(source, ctx.names);
    notes = describeCollection(collected, source);
    const target = join(here, "exercises");
    stageSubmission(collected, target, join(ctx.graderRoot, "exercises"));
    const rawOut = join(here, "report.json");
    const result = await runProcess(
      process.execPath,
      [join(ctx.graderRoot, "node_modules/tsx/dist/cli.mjs"), join(ctx.graderRoot, "grader/cli.ts"),
        "--target", target, "--format", "json", "--out", rawOut],
      {
        cwd: ctx.graderRoot,
        env: { ...process.env, ...ctx.options.env, CI: "true", FORCE_COLOR: "0" },
        timeoutMs: ctx.options.timeoutMsPerSubmission ?? DEFAULT_TIMEOUT_MS,
      },
    );
    if (result.timedOut) throw new Error(`grading took longer than ${Math.round((ctx.options.timeoutMsPerSubmission ?? DEFAULT_TIMEOUT_MS) / 1000)} s and was stopped`);
    if (!existsSync(rawOut)) {
      throw new Error(`the grader wrote no report (exit code ${result.exitCode}): ${tail(result.stderr || result.stdout, 600)}`);
    }
    const report = parseReport(readFileSync(rawOut, "utf8"));
    writeFileSync(reportPath, JSON.stringify({ submission: submission.id, notes, ...report }, null, 2));
    return { ...rowOf(submission.id, report), reportPath, durationMs: elapsed() };
  } catch (error) {
    const message = (error as Error).message;
    writeFileSync(reportPath, JSON.stringify({ submission: submission.id, notes, error: message, score: 0, maxScore: 0, exercises: [] }, null, 2));
    return { id: submission.id, score: 0, maxScore: 0, exercises: {}, error: message, reportPath, durationMs: elapsed() };
  } finally {
    rmSync(here, { recursive: true, force: true });
  }
}

function rowOf(id: string, report: GradeReport): GradebookRow {
  const exercises: Record<string, number> = {};
  for (const exercise of report.exercises) exercises[exercise.id] = exercise.score;
  return { id, score: report.score, maxScore: report.maxScore, exercises };
}

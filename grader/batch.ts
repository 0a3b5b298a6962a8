/**
 * Grades a folder of submissions in parallel and writes a gradebook.
 *
 * Each submission is one folder (or one .zip) in the submissions folder, named after the student
 * or submission id. Each is graded by its own grader process (see platforms/grade-upload.ts), so
 * a submission that crashes or hangs its run costs only its own row.
 */
import { availableParallelism, tmpdir } from "node:os";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gradeUpload } from "./platforms/grade-upload";
import { parseReport, type GradeReport } from "./platforms/report";
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
  const progress = options.progress;
  progress?.start(submissions.length, workers);

  const outcomes: SubmissionOutcome[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < submissions.length) {
      const submission = submissions[next++];
      progress?.begin(submission.id);
      const outcome = await gradeOne(submission, { graderRoot, reportsDir, options });
      outcomes.push(outcome);
      progress?.finish(outcome);
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));
  outcomes.sort((a, b) => a.id.localeCompare(b.id));
  writeGradebook(csvPath, outcomes);
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  progress?.done(outcomes, wallMs);
  return { outcomes, csvPath, reportsDir, wallMs };
}

interface GradeContext {
  graderRoot: string;
  reportsDir: string;
  options: BatchOptions;
}

async function gradeOne(submission: Submission, ctx: GradeContext): Promise<SubmissionOutcome> {
  const safeId = submission.id.replace(/[^A-Za-z0-9._@+-]/g, "_");
  const reportPath = join(ctx.reportsDir, `${safeId}.json`);
  const started = process.hrtime.bigint();
  const elapsed = (): number => Number(process.hrtime.bigint() - started) / 1e6;
  let notes = "";
  let unzipped: string | undefined;
  try {
    let submissionDir = submission.path;
    if (submission.zipped) {
      unzipped = mkdtempSync(join(tmpdir(), "rl-batch-zip-"));
      extractZip(readFileSync(submission.path), unzipped);
      submissionDir = unzipped;
    }
    const graded = await gradeUpload({
      graderRoot: ctx.graderRoot,
      submissionDir,
      format: "json",
      timeoutMs: ctx.options.timeoutMsPerSubmission ?? DEFAULT_TIMEOUT_MS,
      // Local grading keeps the caller's environment, and the shared compile cache in the usual temp folder.
      env: { ...process.env, TMPDIR: tmpdir(), ...ctx.options.env },
    });
    notes = graded.notes;
    if (graded.reportText === undefined) throw new Error(graded.failure);
    const report = parseReport(graded.reportText);
    writeFileSync(reportPath, JSON.stringify({ submission: submission.id, notes, ...report }, null, 2));
    return { ...rowOf(submission.id, report), reportPath, durationMs: elapsed() };
  } catch (error) {
    const message = (error as Error).message;
    writeFileSync(reportPath, JSON.stringify({ submission: submission.id, notes, error: message, score: 0, maxScore: 0, exercises: [] }, null, 2));
    return { id: submission.id, score: 0, maxScore: 0, exercises: {}, error: message, reportPath, durationMs: elapsed() };
  } finally {
    if (unzipped) rmSync(unzipped, { recursive: true, force: true });
  }
}

function rowOf(id: string, report: GradeReport): GradebookRow {
  const exercises: Record<string, number> = {};
  for (const exercise of report.exercises) exercises[exercise.id] = exercise.score;
  return { id, score: report.score, maxScore: report.maxScore, exercises };
}

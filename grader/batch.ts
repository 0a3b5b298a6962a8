/**
 * Grades a folder of submissions in parallel and writes a gradebook.
 *
 * Each submission is one folder (or one .zip) in the submissions folder, named after the student
 * or submission id. Only its exercise files are taken (platforms/collect.ts). Submissions are
 * graded in chunks, each chunk by one scorer process (batch-worker.ts) whose test runner grades
 * them all, and `lanes` chunks at a time. A chunk whose scorer dies or overruns is graded again
 * one submission at a time through the grader's CLI, so a hostile submission costs only its own
 * row.
 */
import { availableParallelism, tmpdir } from "node:os";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, type Stats } from "node:fs";
import { basename, join, resolve } from "node:path";
import { isUtf8 } from "node:buffer";
import { collectSubmission, describeCollection, exerciseFileNames, lookAlikesByExercise, refusedByExercise, stageSubmission, uploadedNames } from "./platforms/collect";
import { gradeUpload } from "./platforms/grade-upload";
import { parseReport, tail, type GradeReport } from "./platforms/report";
import { runProcess } from "./platforms/run-process";
import { extractZip } from "./platforms/unzip";
import { loadExercises, selectExercises } from "./engine/exercises";
import { roundScore } from "./engine/report";
import { emptySubmissionReason, GRADED_EXERCISES_COLUMN, writeGradebook, type GradebookLayout, type GradebookRow } from "./gradebook";
import { loadSecret, MAKE_SECRET, ROOT, SECRET_ENV, SecretError } from "./project";
import { randomSecret } from "./seeds";
import type { BatchProgress } from "./batch-progress";
import type { ChunkJob, ChunkResult } from "./batch-worker";
import { writeWhole } from "./write-whole";

export interface BatchOptions {
  /** Folder holding one sub-folder or .zip per submission. */
  submissionsDir: string;
  /** Where the CSV gradebook goes. */
  outCsv: string;
  /** Where one JSON report per submission goes; default: `<outCsv without .csv>-reports/`. */
  reportsDir?: string;
  /** Test-runner worker processes in all; default: the number of cores. */
  workers?: number;
  /** Chunks graded at the same time; default: 2 when there are 2 workers or more. */
  lanes?: number;
  /** Submissions per chunk; default: half of each lane's share, at most 25. */
  chunkSize?: number;
  /** Time allowed per submission (a chunk gets this times its size). */
  timeoutMsPerSubmission?: number;
  /** The grader copy to grade with; default: this project. */
  graderRoot?: string;
  /** Receives progress; default: none. */
  progress?: BatchProgress;
  /** Added to the grading processes' environment (e.g. RL_GRADER_SECRET). */
  env?: NodeJS.ProcessEnv;
  /**
   * Grade only these exercises of every submission (`--only 03,05`: ids, numbers or names, as
   * parseOnly reads them); default all. The gradebook and the reports then hold only those, out
   * of their points, and say so.
   */
  only?: readonly string[];
  /**
   * Let sandboxes use V8's helper threads, as a single grading's do; default: not in a batch,
   * whose sandboxes then take less of the machine's CPU time (grader/SPEED.md).
   */
  sandboxHelperThreads?: boolean;
}

/** The batch stopped before it graded every submission; its gradebook was written all the same. */
export class BatchStoppedError extends Error {
  constructor(override readonly cause: Error, readonly csvPath: string) {
    super(`the batch stopped: ${cause.message}`);
  }
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
  /** The ids of the exercises graded ("03"), when `only` chose some. */
  only?: string[];
}

const DEFAULT_TIMEOUT_MS = 4 * 60_000;
/**
 * A grading call has a fixed cost (scorer and test-runner start-up, parsing the library's types
 * for the compile check) and then a few CPU-seconds per submission: large chunks amortise the
 * start-up, and two chunks per lane still leave the lanes finishing close together.
 */
const CHUNK_SIZE_MAX = 25;

export interface Submission {
  id: string;
  path: string;
  zipped: boolean;
  /** Why this entry of the submissions folder cannot be read as a submission (it gets an error row). */
  problem?: string;
}

/** A submissions folder that cannot be graded at all: the command's message, not a crash. */
export class BatchInputError extends Error {}

const lossyUtf8 = new TextDecoder("utf-8");

/**
 * The submissions in a folder: its sub-folders and .zip files, sorted by id. Hidden entries are
 * skipped. Entries at this level are the instructor's (a folder of downloads), so links are
 * followed; one that leads nowhere, or a `.zip` that is not a file, gets an error row of its own.
 * A folder `x` and a file `x.zip` would share the id `x`: the zip's id is then `x.zip`. A name that
 * is not UTF-8 cannot be opened by the text Node makes of it (its bad bytes become `�`, which may
 * name another entry, `x�`): it gets an error row saying so, with an id of its own, and no
 * submission is graded twice, or under another's id.
 */
export function listSubmissions(dir: string): Submission[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new BatchInputError(`--batch: ${dir === resolve(dir) ? dir : `${dir} (${resolve(dir)}: a relative path starts at the project's root, where npm runs)`} is not a folder; give a folder with one sub-folder or .zip per submission`);
  }
  const found: Submission[] = [];
  const entries = readdirSync(dir, { encoding: "buffer" }).map((bytes) => ({ name: lossyUtf8.decode(bytes), utf8: isUtf8(bytes) }));
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const folders = new Set<string>();
  for (const { name, utf8 } of entries) {
    if (name.startsWith(".")) continue;
    if (!utf8) {
      found.push({ id: `${name} (not UTF-8)`, path: join(dir, name), zipped: false, problem: `${name} has a name that is not valid UTF-8 (its bad bytes shown as �): rename it and grade again` });
      continue;
    }
    const path = join(dir, name);
    let stat: Stats;
    try {
      stat = statSync(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? "unreadable";
      found.push({ id: name, path, zipped: false, problem: `${name} cannot be opened (${code}): a link to nothing, or not readable by the grader` });
      continue;
    }
    if (stat.isDirectory()) {
      folders.add(name);
      found.push({ id: name, path, zipped: false });
    } else if (name.toLowerCase().endsWith(".zip")) {
      const problem = stat.isFile() ? undefined : `${name} is not a file (a pipe, socket or device): give the zip itself`;
      found.push({ id: name.slice(0, -4), path, zipped: true, ...(problem ? { problem } : {}) });
    }
  }
  for (const s of found) if (s.zipped && folders.has(s.id)) s.id = basename(s.path);
  return found.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * A name for each submission's scratch folder and report file: its id with characters a file
 * name should not carry replaced, made unique (ids that differ only in such characters, such as
 * "zoë" and "zoé", would otherwise share a folder and a report).
 */
export function fileSafeNames(ids: readonly string[]): string[] {
  const taken = new Set<string>();
  return ids.map((id) => {
    const base = id.replace(/[^A-Za-z0-9._@+-]/g, "_");
    let name = base;
    for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${base}-${n}`;
    taken.add(name.toLowerCase());
    return name;
  });
}

/** A submission with its exercise files staged in a folder of their own. */
interface Prepared {
  submission: Submission;
  /** Folder of the upload as found (unzipped when it was a zip). */
  uploadDir: string;
  /** Folder holding only the exercise files taken from it. */
  stagedDir: string;
  notes: string;
  /** Exercise -> files of the upload that look like its file, missing or there, for the report's messages. */
  lookAlikes?: Record<string, string[]>;
  /** Exercise -> why the upload's file of that name was not taken, for the exercise's message. */
  refused?: Record<string, string>;
  /** Exercise -> its file as uploaded (its path in the upload), which messages about the file name. */
  uploadedAs?: Record<string, string>;
  /** A zip's entries that may be a misnamed exercise file, left packed (extractZip), for grading it alone. */
  packed: string[];
  reportPath: string;
  error?: string;
}

interface Context {
  graderRoot: string;
  /** The exercises graded, as `--only` names them to the grader ("03-model-registry"), when `--only` chose some. */
  only?: string[];
  /** What the exercises graded are worth, when the grader's manifests say (an error row is out of it). */
  maxScore: number;
  reportsDir: string;
  timeoutMs: number;
  maxWorkers: number;
  singleThreadedSandboxes: boolean;
  workDir: string;
  progress?: BatchProgress;
  env: NodeJS.ProcessEnv;
  outcomes: SubmissionOutcome[];
}

/**
 * The environment a batch's graders run in: every submission of a batch is graded under one
 * secret. The configured one (a BatchInputError when it is too short), else a random one made
 * here for the whole batch, with a note saying so: graded chunk by chunk without it, each chunk
 * would draw its own hidden cases.
 */
function batchEnv(graderRoot: string, env: NodeJS.ProcessEnv): { env: NodeJS.ProcessEnv; note?: string } {
  let secret: string | undefined;
  try {
    secret = loadSecret(graderRoot, env);
  } catch (error) {
    if (error instanceof SecretError) throw new BatchInputError(`nothing was graded: ${error.message}`);
    throw error;
  }
  if (secret) return { env: { ...env, [SECRET_ENV]: secret } };
  return {
    env: { ...env, [SECRET_ENV]: randomSecret() },
    note:
      `no grading secret (${SECRET_ENV} or grader/.secret): this batch's hidden cases come from a random secret made for it, ` +
      "the same for every submission, and a new one next time, so a regrade can score differently. " +
      `For grades of record make one and keep it for the term: ${MAKE_SECRET}`,
  };
}

export async function runBatch(options: BatchOptions): Promise<BatchSummary> {
  const started = process.hrtime.bigint();
  const graderRoot = resolve(options.graderRoot ?? ROOT);
  const submissions = listSubmissions(options.submissionsDir);
  const only = options.only ? chosenExercises(graderRoot, options.only) : undefined;
  const onlyIds = only?.map((name) => name.slice(0, 2));
  const planned = plannedGradebook(graderRoot, only);
  const csvPath = resolve(options.outCsv);
  if (onlyIds) keepWholeGradebook(csvPath, onlyIds);
  const env = batchEnv(graderRoot, { ...process.env, ...options.env });
  const reportsDir = resolve(options.reportsDir ?? `${csvPath.replace(/\.csv$/i, "")}-reports`);
  mkdirSync(reportsDir, { recursive: true });
  const workers = Math.max(1, options.workers ?? availableParallelism());
  const lanes = Math.max(1, Math.min(options.lanes ?? (workers >= 2 ? 2 : 1), submissions.length || 1));
  const chunkSize = options.chunkSize ?? Math.min(CHUNK_SIZE_MAX, Math.max(1, Math.ceil(submissions.length / (lanes * 2))));
  const workDir = mkdtempSync(join(tmpdir(), "rl-batch-"));
  const ctx: Context = {
    graderRoot,
    reportsDir,
    timeoutMs: options.timeoutMsPerSubmission ?? DEFAULT_TIMEOUT_MS,
    maxWorkers: Math.max(1, Math.floor(workers / lanes)),
    singleThreadedSandboxes: options.sandboxHelperThreads !== true,
    workDir,
    progress: options.progress,
    env: env.env,
    outcomes: [],
    ...(only ? { only } : {}),
    maxScore: planned?.maxScore ?? 0,
  };
  options.progress?.start(submissions.length, workers, onlyIds);
  if (env.note) options.progress?.note?.(env.note);
  const safeNames = fileSafeNames(submissions.map((s) => s.id));
  let stopped: Error | undefined;
  try {
    const names = exerciseFileNames(graderRoot).filter((file) => !only || only.includes(file.replace(/\.ts$/, "")));
    // One at a time: one upload in memory at once.
    const prepared: Prepared[] = [];
    for (const [i, s] of submissions.entries()) prepared.push(await prepare(s, safeNames[i], names, ctx));
    for (const p of prepared.filter((p) => p.error)) record(ctx, p, errorOutcome(p, p.error!, 0, ctx));
    const ready = prepared.filter((p) => !p.error);
    const chunks: Prepared[][] = [];
    for (let i = 0; i < ready.length; i += chunkSize) chunks.push(ready.slice(i, i + chunkSize));
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < chunks.length) await gradeChunk(chunks[next++], ctx);
    };
    await Promise.all(Array.from({ length: lanes }, lane));
  } catch (error) {
    stopped = error instanceof Error ? error : new Error(String(error));
  } finally {
    removeWorkDir(workDir, options.progress);
  }
  // Whatever stopped the batch, the gradebook holds every submission: those it had not graded
  // are error rows, to grade again, and the grades it had are kept.
  if (stopped) {
    const graded = new Set(ctx.outcomes.map((o) => o.id));
    submissions.forEach((s, i) => {
      if (graded.has(s.id)) return;
      const error = `not graded: the batch stopped before this submission (${stopped!.message}); grade it again`;
      ctx.outcomes.push({ id: s.id, score: 0, maxScore: ctx.maxScore, exercises: {}, error, reportPath: join(reportsDir, `${safeNames[i]}.json`), durationMs: 0 });
    });
  }
  const outcomes = ctx.outcomes.sort((a, b) => a.id.localeCompare(b.id));
  writeGradebook(csvPath, outcomes, planned?.layout ?? (onlyIds ? { exercises: onlyIds, only: true } : undefined));
  if (stopped) throw new BatchStoppedError(stopped, csvPath);
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const earlier = reportsNotOf(reportsDir, outcomes);
  if (earlier.length > 0) {
    const text = `${reportsDir} also holds ${earlier.length} report(s) of submissions not in this batch (${earlier.slice(0, 3).join(", ")}${earlier.length > 3 ? ", …" : ""}), from an earlier batch: remove them before you share the folder`;
    if (options.progress?.note) options.progress.note(text);
    else process.stderr.write(`batch: ${text}\n`);
  }
  options.progress?.done(outcomes, wallMs);
  return { outcomes, csvPath, reportsDir, wallMs, ...(onlyIds ? { only: onlyIds } : {}) };
}

/**
 * The exercises `--only` names among the grader copy's (by their names, "03-model-registry"), or
 * the command's message: an exercise it does not have, a grader copy with none. Undefined when it
 * names them all: that batch is a whole one, and its gradebook says nothing of `--only`.
 */
function chosenExercises(graderRoot: string, only: readonly string[]): string[] | undefined {
  let files: string[];
  try {
    files = exerciseFileNames(graderRoot);
  } catch (error) {
    throw new BatchInputError(`--only: the grader ${graderRoot} has no exercises to choose from (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  const exercises = files.map((file) => ({ id: file.slice(0, 2), name: file.replace(/\.ts$/, "") }));
  let chosen: string[];
  try {
    chosen = selectExercises(exercises, only).map((e) => e.name);
  } catch (error) {
    throw new BatchInputError((error as Error).message);
  }
  return chosen.length < exercises.length ? chosen : undefined;
}

/**
 * Refuses to write a partial gradebook (`--only`) over a gradebook of every exercise: regrading
 * one exercise into the same `--out` would replace every student's whole-lab score with that
 * exercise's alone, and their reports with its (a partial gradebook over a partial one is fine).
 */
function keepWholeGradebook(csvPath: string, onlyIds: readonly string[]): void {
  let header: string;
  try {
    header = readFileSync(csvPath, "utf8").split(/\r?\n/, 1)[0];
  } catch {
    return; // nothing there yet (or nothing readable: writing it will say so)
  }
  const columns = header.split(",");
  if (!(columns[0] === "id" && columns[1] === "score" && columns[2] === "max") || columns.includes(GRADED_EXERCISES_COLUMN)) return;
  throw new BatchInputError(
    `--out ${csvPath} holds a gradebook of every exercise; this batch grades exercise${onlyIds.length === 1 ? "" : "s"} ${onlyIds.join(", ")} only (--only), ` +
      `and would replace it, and the reports beside it, with ${onlyIds.length === 1 ? "that exercise's" : "those exercises'"} scores alone: give another --out (such as ${csvPath.replace(/\.csv$/i, "")}-${onlyIds.join("-")}.csv), ` +
      `then put its scores into this one's with npm run merge-grades -- --whole ${csvPath} --regraded ${csvPath.replace(/\.csv$/i, "")}-${onlyIds.join("-")}.csv --out NEW.csv`,
  );
}

/**
 * The gradebook's columns and what every row is out of, from the graded tests' manifests (the
 * points each exercise is worth), before anything is graded: so a gradebook whose every row is an
 * error still has a column per exercise and the points they are worth. Undefined when the
 * grader's test files cannot be read here (then the graded rows say what they are out of).
 */
function plannedGradebook(graderRoot: string, only: readonly string[] | undefined): { layout: GradebookLayout; maxScore: number } | undefined {
  try {
    const exercises = loadExercises(graderRoot).filter((e) => !only || only.includes(e.name));
    if (exercises.length === 0) return undefined;
    const maxScore = roundScore(exercises.reduce((sum, e) => sum + e.tests.reduce((points, t) => points + t.points, 0), 0));
    return { layout: { exercises: exercises.map((e) => e.id), ...(only ? { only: true } : {}) }, maxScore };
  } catch {
    return undefined;
  }
}

/** The line at the top of a report's notes when the batch graded some exercises only. */
function onlyNote(only: readonly string[], maxScore: number): string {
  const which = only.length === 1 ? `exercise ${only[0].slice(0, 2)} only` : `exercises ${only.map((name) => name.slice(0, 2)).join(", ")} only`;
  return `This batch graded ${which} (--only ${only.map((name) => name.slice(0, 2)).join(",")}): the score is out of ${only.length === 1 ? "its" : "their"} ${maxScore} points; the other exercises were not graded here.`;
}

/** The JSON reports in `reportsDir` that are none of `outcomes`' (left by an earlier batch into the same folder). */
export function reportsNotOf(reportsDir: string, outcomes: readonly SubmissionOutcome[]): string[] {
  const ours = new Set(outcomes.map((o) => basename(o.reportPath)));
  try {
    return readdirSync(reportsDir).filter((name) => name.endsWith(".json") && !ours.has(name)).sort();
  } catch {
    return [];
  }
}

/**
 * Removes the batch's work folder (staged and unpacked uploads, chunk results). A folder that
 * cannot be removed (a tree too deep for rmSync's recursion, a file system gone read-only) is
 * named on the progress output, to remove by hand; it never costs the gradebook.
 */
export function removeWorkDir(dir: string, progress?: BatchProgress, remove: typeof rmSync = rmSync): void {
  try {
    remove(dir, { recursive: true, force: true });
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    const text = `could not remove the batch's work folder ${dir} (${code ?? message}): remove it by hand`;
    if (progress?.note) progress.note(text);
    else process.stderr.write(`batch: ${text}\n`);
  }
}

async function prepare(submission: Submission, safeId: string, names: string[], ctx: Context): Promise<Prepared> {
  const base = join(ctx.workDir, safeId);
  const prepared: Prepared = {
    submission,
    uploadDir: submission.path,
    stagedDir: join(base, "exercises"),
    notes: "",
    packed: [],
    reportPath: join(ctx.reportsDir, `${safeId}.json`),
  };
  const leftOut: string[] = [];
  const packed = prepared.packed;
  try {
    if (submission.problem) throw new Error(submission.problem);
    if (submission.zipped) {
      prepared.uploadDir = join(base, "upload");
      await extractZip(submission.path, prepared.uploadDir, leftOut, packed);
    }
    const collected = collectSubmission(prepared.uploadDir, names, leftOut, packed);
    prepared.lookAlikes = lookAlikesByExercise(collected);
    prepared.refused = refusedByExercise(collected);
    prepared.notes = describeCollection(collected, prepared.uploadDir);
    // Nothing to grade: the gradebook's error column says so, instead of a silent zero, and names
    // the files that look like exercise files (all of them renamed, say).
    if (collected.found.size === 0) {
      const alike = [...collected.lookAlikes.values()].flat();
      const found = [...new Set(alike)].slice(0, 3).map((f) => `'${f}'`).join(", ");
      throw new Error(`${emptySubmissionReason(names, ctx.only !== undefined)}${found ? `; found ${found}, not graded under those names (see the report)` : ""}`);
    }
    stageSubmission(collected, prepared.stagedDir);
    // Staging moves a file it could not copy to the missing ones, with a note: say so in the report.
    prepared.notes = describeCollection(collected, prepared.uploadDir);
    prepared.uploadedAs = uploadedNames(collected, prepared.uploadDir);
  } catch (error) {
    prepared.error = (error as Error).message;
  }
  return prepared;
}

async function gradeChunk(chunk: Prepared[], ctx: Context): Promise<void> {
  for (const p of chunk) ctx.progress?.begin(p.submission.id);
  const started = process.hrtime.bigint();
  const jobDir = mkdtempSync(join(ctx.workDir, "chunk-"));
  const job: ChunkJob = {
    submissions: chunk.map((p) => ({ id: p.submission.id, dir: p.stagedDir, replayTarget: p.submission.path, lookAlikes: p.lookAlikes, refused: p.refused, uploadedAs: p.uploadedAs })),
    out: join(jobDir, "results.json"),
    timeoutMs: ctx.timeoutMs * chunk.length,
    maxWorkers: ctx.maxWorkers,
    singleThreadedSandboxes: ctx.singleThreadedSandboxes,
    ...(ctx.only ? { only: ctx.only } : {}),
  };
  writeFileSync(join(jobDir, "job.json"), JSON.stringify(job));
  const run = await runProcess(
    process.execPath,
    // Compiled once for the whole batch (engine/launch.mjs), not passed through tsx's loader each time.
    [join(ctx.graderRoot, "grader/engine/launch.mjs"), "grader/batch-worker.ts", join(jobDir, "job.json")],
        // The scorer stops its own run at job.timeoutMs; the grace covers its start and its reports.
    { cwd: ctx.graderRoot, env: { ...ctx.env, FORCE_COLOR: "0" }, timeoutMs: job.timeoutMs + Math.min(60_000, job.timeoutMs / 2) },
  );
  let results: ChunkResult[] | undefined;
  try {
    results = JSON.parse(readFileSync(job.out, "utf8")) as ChunkResult[];
    results.forEach((r, i) => {
      if (r.id !== chunk[i]?.submission.id) throw new Error(`result ${i} is for ${r.id}, not ${chunk[i]?.submission.id}`);
      parseReport(JSON.stringify(r.report));
    });
  } catch {
    results = undefined;
  }
  if (results && results.length === chunk.length) {
    const perSubmissionMs = Number(process.hrtime.bigint() - started) / 1e6 / chunk.length;
    // A chunk shares one time limit: when it ran out, a submission that used it up takes the
    // unfinished exercises of the others with it. Those are graded again alone, the one at fault
    // too (alone, what it does costs only itself).
    const unfinished = chunk.length > 1 ? chunk.filter((_, i) => results![i].report.exercises.some((e) => e.incomplete !== undefined)) : [];
    chunk.forEach((p, i) => {
      if (!unfinished.includes(p)) record(ctx, p, reportOutcome(p, results![i].report, perSubmissionMs, ctx));
    });
    if (unfinished.length > 0) {
      ctx.progress?.note?.(`a chunk of ${chunk.length} left ${unfinished.length} submission(s) unfinished at its time limit; grading them one at a time`);
      for (const p of unfinished) await gradeAlone(p, ctx);
    }
    return;
  }
  // The chunk's scorer failed: grade its submissions one by one, each in its own CLI run.
  const why = run.timedOut ? "ran out of time" : `stopped (exit code ${run.exitCode}): ${tail(run.stderr, 300)}`;
  ctx.progress?.note?.(`a chunk of ${chunk.length} ${why}; grading its submissions one at a time`);
  for (const p of chunk) await gradeAlone(p, ctx);
}

async function gradeAlone(p: Prepared, ctx: Context): Promise<void> {
  const graded = await gradeUpload({
    graderRoot: ctx.graderRoot,
    submissionDir: p.uploadDir,
    packed: p.packed,
    format: "json",
    ...(ctx.only ? { only: ctx.only } : {}),
    timeoutMs: ctx.timeoutMs,
    env: { ...ctx.env, TMPDIR: tmpdir() },
    // The report's replay commands name the submission as given, not the scratch folder graded.
    extraArgs: ["--replay-target", p.submission.path],
  });
  try {
    if (graded.reportText === undefined) throw new Error(graded.failure);
    record(ctx, p, reportOutcome(p, parseReport(graded.reportText), graded.durationMs, ctx));
  } catch (error) {
    record(ctx, p, errorOutcome(p, (error as Error).message, graded.durationMs, ctx));
  }
}

function reportOutcome(p: Prepared, report: GradeReport, durationMs: number, ctx: Context): SubmissionOutcome {
  const unwritten = writeReport(p, { submission: p.submission.id, ...onlyFields(ctx, report.maxScore, p.notes), ...report });
  // Without its report the student has no feedback: an error row (zero), to grade again.
  if (unwritten) return errorOutcome(p, `graded, but ${unwritten}: grade it again`, durationMs, ctx);
  const exercises: Record<string, number> = {};
  for (const exercise of report.exercises) exercises[exercise.id] = exercise.score;
  return { id: p.submission.id, score: report.score, maxScore: report.maxScore, exercises, reportPath: p.reportPath, durationMs };
}

/**
 * A report's `notes`, and when the batch graded some exercises only, `only` (their names) and a
 * first line of the notes saying so.
 */
function onlyFields(ctx: Context, maxScore: number, notes: string): { only?: string[]; notes: string } {
  return ctx.only ? { only: ctx.only, notes: `${onlyNote(ctx.only, maxScore)}\n${notes}` } : { notes };
}

function errorOutcome(p: Prepared, message: string, durationMs: number, ctx: Context): SubmissionOutcome {
  const unwritten = writeReport(p, { submission: p.submission.id, ...onlyFields(ctx, ctx.maxScore, p.notes), error: message, score: 0, maxScore: ctx.maxScore, exercises: [] });
  const error = unwritten && !message.includes(unwritten) ? `${message}; ${unwritten}` : message;
  return { id: p.submission.id, score: 0, maxScore: ctx.maxScore, exercises: {}, error, reportPath: p.reportPath, durationMs };
}

/** Writes a submission's report; a failure is this submission's alone: the reason, for its row. */
function writeReport(p: Prepared, report: object): string | undefined {
  try {
    writeWhole(p.reportPath, JSON.stringify(report, null, 2));
    return undefined;
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    return `its report could not be written to ${p.reportPath} (${code ?? message})`;
  }
}

function record(ctx: Context, p: Prepared, outcome: SubmissionOutcome): void {
  ctx.outcomes.push(outcome);
  ctx.progress?.finish(outcome);
}

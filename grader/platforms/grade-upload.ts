/**
 * One grading of one upload, shared by every platform: take only the exercise files from the
 * upload into a fresh folder, run the pristine grader's CLI on it in its own process group (as
 * another user when asked) with a time limit, and hand back the report file's text or why there
 * is none. What the report means is the caller's business; whether it exists is decided here.
 *
 * The files of the upload that look like an exercise file (platforms/look-alike.ts), and why a file
 * named like one was not taken (too large, unreadable), go to the CLI too, in a file it reads
 * (`--intake`), so that each exercise's own message says them: a missing file's look-alikes, the
 * copy beside an untouched stub (which only the tests find out), a refused file's reason.
 */
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { collectSubmission, describeCollection, exerciseFileNames, lookAlikesByExercise, refusedByExercise, stageSubmission, uploadedNames } from "./collect";
import { tail } from "./report";
import { runProcess } from "./run-process";

/** The grader CLI's own limit of one call, s, when it is given none (engine/grade.ts DEFAULTS.timeoutMs). */
export const GRADER_CALL_LIMIT_S = 240;

/**
 * The `--timeout-s` handed to the grader CLI for a run this process kills after `timeoutMs`: the
 * CLI stops grading at its own limit and still writes its report, every unfinished exercise
 * saying so, while a run killed from outside writes none. So the CLI's limit ends well before
 * this one: a fifth of it, and at least 10 s, is left for the CLI's start (before its clock runs)
 * and for finishing its report; never longer than the CLI's own default.
 */
export function graderCallLimitS(timeoutMs: number): number {
  const graceMs = Math.max(10_000, timeoutMs / 5);
  return Math.max(1, Math.min(GRADER_CALL_LIMIT_S, Math.floor((timeoutMs - graceMs) / 1000)));
}

export interface Account {
  name: string;
  uid: number;
  gid: number;
}

export interface UploadOptions {
  /** The pristine grader copy (holds grader/cli.ts, exercises/ stubs and node_modules). */
  graderRoot: string;
  /** The student's upload, in any layout. */
  submissionDir: string;
  /** When the upload is an unpacked zip: the entries extractZip left packed that may be misnamed exercise files. */
  packed?: readonly string[];
  /** The report format asked of the grader CLI. */
  format: "json" | "gradescope" | "prairielearn" | "classroom";
  /** Grade only these exercises ("05" or "05-leader-election"); default all. */
  only?: string[];
  timeoutMs: number;
  /** Run the grader as this account (needs root); null or absent: as this process's user. */
  account?: Account | null;
  /** The grading process's whole environment (nothing else is inherited). */
  env: NodeJS.ProcessEnv;
  /** More grader CLI options, e.g. ["--hidden-visibility", "after_due_date"]; `--timeout-s` is set from `timeoutMs`. */
  extraArgs?: string[];
  /** Do not run the grader when the upload holds no exercise file (the caller reports that itself). */
  skipWhenEmpty?: boolean;
}

export interface UploadGrade {
  /** What was taken from the upload (graded files, missing ones, ignored copies). */
  notes: string;
  /** The exercise files found in the upload ("05-leader-election.ts"), the ones that were graded. */
  found: string[];
  /** The text of the report the grader wrote, when it wrote one. */
  reportText?: string;
  /** Why there is no report: time limit, crash (with the end of its output). */
  failure?: string;
  durationMs: number;
}

export async function gradeUpload(options: UploadOptions): Promise<UploadGrade> {
  const all = exerciseFileNames(options.graderRoot);
  const only = options.only ?? [];
  const names = only.length === 0 ? all : all.filter((file) => only.some((id) => file === `${id}.ts` || file.startsWith(`${id}-`)));
  const collected = collectSubmission(options.submissionDir, names, [], options.packed);
  let notes = describeCollection(collected, options.submissionDir);
  let found = [...collected.found.keys()];
  if (found.length === 0 && options.skipWhenEmpty) return { notes, found, durationMs: 0, failure: "no exercise file was found in the upload" };
  const work = mkdtempSync(join(tmpdir(), "rl-grade-"));
  try {
    const target = join(work, "exercises");
    const outDir = join(work, "out");
    const home = join(work, "home");
    const intake = join(work, "intake.json");
    stageSubmission(collected, target);
    // Staging moves a file it could not copy to the missing ones, with a note: say so in the report.
    notes = describeCollection(collected, options.submissionDir);
    found = [...collected.found.keys()];
    mkdirSync(outDir);
    mkdirSync(home);
    // Readable by the grading account whatever this process's umask, as the staged files are.
    writeFileSync(intake, JSON.stringify({ lookAlikes: lookAlikesByExercise(collected), refused: refusedByExercise(collected), uploadedAs: uploadedNames(collected, options.submissionDir) }));
    chmodSync(intake, 0o644);
    chmodSync(work, 0o755);
    const account = options.account ?? null;
    // The grading account may read the staged files and write only its output and home folders.
    if (account) for (const dir of [outDir, home]) chownSync(dir, account.uid, account.gid);
    const outFile = join(outDir, `report.${options.format}.json`);
    // Run from the work folder with a relative target, so that reports name "exercises/NN-name.ts".
    // Compiled (engine/launch.mjs) where its cache can be written or is built already; else through tsx.
    const node = [process.execPath, join(options.graderRoot, "grader/engine/launch.mjs"), "grader/cli.ts", "--target", "exercises", "--format", options.format, "--out", outFile, "--intake", intake,
      ...(only.length > 0 ? ["--only", only.join(",")] : []), ...(options.extraArgs ?? []),
      // Last, so that it holds: the grader stops in time to write its report before this run is killed.
      "--timeout-s", String(graderCallLimitS(options.timeoutMs))];
    const command = account ? ["runuser", "-u", account.name, "--", ...node] : node;
    const run = await runProcess(command[0], command.slice(1), {
      cwd: work,
      env: { HOME: home, TMPDIR: home, CI: "true", FORCE_COLOR: "0", ...options.env },
      timeoutMs: options.timeoutMs,
    });
    const durationMs = run.durationMs;
    if (run.timedOut) {
      const seconds = Math.round(options.timeoutMs / 1000);
      return { notes, found, durationMs, failure: `grading took longer than ${seconds} s and was stopped; look for an exercise that never finishes` };
    }
    if (!existsSync(outFile)) {
      return { notes, found, durationMs, failure: `the grader wrote no report (exit code ${run.exitCode}): ${tail(run.stderr || run.stdout, 1500)}` };
    }
    return { notes, found, durationMs, reportText: readFileSync(outFile, "utf8") };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

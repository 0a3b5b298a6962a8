/**
 * The latest results of the student's own exercises/ folder, kept in <root>/.cache/results.json
 * (ignored by git): every check() and every `npm run grade` of exercises/ records its public
 * points per exercise, with a fingerprint of the file it graded, so that progress() can show
 * them without grading anything again, and say which files changed since.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ExerciseReport, GradeReport } from "./engine/report";

export type ExerciseState = "done" | "in progress" | "not started" | "stopped early";

/** One exercise's latest public result. */
export interface LatestResult {
  id: string;
  title: string;
  /** Public points earned and possible. */
  score: number;
  maxScore: number;
  state: ExerciseState;
  /** When it was graded (ISO 8601). */
  checkedAt: string;
  /** sha256 of the file graded; compared with the file now to tell whether it changed since. */
  fileHash: string;
  /** Public tests the check did not run, because an earlier one ran out of time (state "stopped early"). */
  notRun?: number;
}

const STORE_VERSION = 1;

function storePath(root: string): string {
  return join(root, ".cache", "results.json");
}

/** The fingerprint of exercises/NN-name.ts as it is now ("" when there is no such file). */
export function exerciseFileHash(root: string, name: string): string {
  const file = join(root, "exercises", `${name}.ts`);
  return existsSync(file) ? createHash("sha256").update(readFileSync(file)).digest("hex") : "";
}

function stateOf(e: ExerciseReport, publicTests: ExerciseReport["tests"]): ExerciseState {
  if (publicTests.some((t) => t.notRun)) return "stopped early";
  const max = publicTests.reduce((s, t) => s + t.maxScore, 0);
  const score = publicTests.reduce((s, t) => s + t.score, 0);
  if (max > 0 && Math.abs(score - max) < 1e-9) return "done";
  if (!e.problem && e.tests.length > 0 && e.tests.every((t) => t.notImplemented)) return "not started";
  return "in progress";
}

/** Records the public part of `report` (a grading of exercises/) as the latest results. */
export function recordLatest(root: string, report: GradeReport, at: Date = new Date()): void {
  const store = readStore(root);
  for (const e of report.exercises) {
    const publicTests = e.tests.filter((t) => t.visibility === "public");
    const notRun = publicTests.filter((t) => t.notRun).length;
    store[e.id] = {
      id: e.id,
      title: e.title,
      score: Math.round(publicTests.reduce((s, t) => s + t.score, 0) * 100) / 100,
      maxScore: Math.round(publicTests.reduce((s, t) => s + t.maxScore, 0) * 100) / 100,
      state: stateOf(e, publicTests),
      checkedAt: at.toISOString(),
      fileHash: exerciseFileHash(root, e.name),
      ...(notRun > 0 ? { notRun } : {}),
    };
  }
  try {
    mkdirSync(join(root, ".cache"), { recursive: true });
    const scratch = `${storePath(root)}.${process.pid}`;
    writeFileSync(scratch, `${JSON.stringify({ version: STORE_VERSION, results: store }, null, 2)}\n`);
    renameSync(scratch, storePath(root));
  } catch {
    // A read-only copy keeps no record; progress() then says the exercise was not checked.
  }
}

/** The latest results by exercise id (none for an exercise never graded here). */
export function latestResults(root: string): Record<string, LatestResult> {
  return readStore(root);
}

function readStore(root: string): Record<string, LatestResult> {
  try {
    const data = JSON.parse(readFileSync(storePath(root), "utf8")) as { version?: number; results?: Record<string, LatestResult> };
    return data.version === STORE_VERSION && data.results && typeof data.results === "object" ? data.results : {};
  } catch {
    return {}; // missing or damaged: nothing recorded
  }
}

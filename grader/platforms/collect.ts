/**
 * Finds a student's exercise files in an upload and copies only those into a grading folder.
 *
 * Every platform (Gradescope, GitHub Classroom, local batch grading) receives submissions in its
 * own shape: loose files, an `exercises/` folder, or a whole repository nested in a zip's top
 * folder. Only files named exactly like an exercise of the pristine copy are taken, so a
 * submission cannot bring its own tests, grader, package.json or library.
 */
import { copyFileSync, lstatSync, mkdirSync, readdirSync } from "node:fs";
import { join, relative, sep } from "node:path";

/** An exercise file name such as `01-read-your-writes.ts`. */
const EXERCISE_FILE = /^\d{2}-[a-z0-9][a-z0-9-]*\.ts$/;

/** Whether `name` (a file's name, without its folder) is named like an exercise file: NN-name.ts. */
export function isExerciseFileName(name: string): boolean {
  return EXERCISE_FILE.test(name);
}

/** Folders never searched: dependencies and version-control data are not student answers. */
export const SKIPPED_DIRS = new Set(["node_modules", ".git", ".jupyter", "dist", "__MACOSX"]);

/** A submitted file larger than this is not an answer; it is refused rather than compiled. */
export const MAX_EXERCISE_FILE_BYTES = 512 * 1024;
const MAX_DEPTH = 8;
const MAX_ENTRIES = 20_000;

export interface CollectedSubmission {
  /** Exercise file name -> absolute path of the submitted file chosen for it. */
  found: Map<string, string>;
  /** Exercise file names the submission does not contain. */
  missing: string[];
  /** Human-readable notes: duplicates that were ignored, files refused for their size. */
  notes: string[];
}

/** The exercise file names of a grader copy: `exercises/NN-name.ts`, sorted. */
export function exerciseFileNames(graderRoot: string): string[] {
  return readdirSync(join(graderRoot, "exercises"))
    .filter(isExerciseFileName)
    .sort();
}

interface Candidate {
  path: string;
  depth: number;
  inExercisesDir: boolean;
  bytes: number;
}

/**
 * Walks `submissionDir` without following symbolic links (a link could point at the grader's
 * secret) and picks, for each exercise name, the file in an `exercises/` folder if there is one,
 * else the shallowest.
 */
export function collectSubmission(submissionDir: string, names: readonly string[]): CollectedSubmission {
  const wanted = new Set(names);
  const candidates = new Map<string, Candidate[]>();
  let entries = 0;
  const walk = (dir: string, depth: number): void => {
    if (depth > MAX_DEPTH) return;
    let children: string[];
    try {
      children = readdirSync(dir).sort();
    } catch {
      return; // unreadable folders hold nothing we can grade
    }
    for (const child of children) {
      if (++entries > MAX_ENTRIES) return;
      const path = join(dir, child);
      const stat = lstatSync(path);
      if (stat.isDirectory() && !SKIPPED_DIRS.has(child)) walk(path, depth + 1);
      else if (stat.isFile() && wanted.has(child)) {
        const inExercisesDir = relative(submissionDir, dir).split(sep).pop() === "exercises";
        const list = candidates.get(child) ?? [];
        list.push({ path, depth, inExercisesDir, bytes: stat.size });
        candidates.set(child, list);
      }
    }
  };
  walk(submissionDir, 0);

  const found = new Map<string, string>();
  const missing: string[] = [];
  const notes: string[] = [];
  for (const name of names) {
    const all = candidates.get(name) ?? [];
    const usable = all.filter((c) => c.bytes <= MAX_EXERCISE_FILE_BYTES);
    for (const c of all) {
      if (c.bytes > MAX_EXERCISE_FILE_BYTES) {
        notes.push(`${show(submissionDir, c.path)} is ${c.bytes} bytes, over the ${MAX_EXERCISE_FILE_BYTES}-byte limit: not graded.`);
      }
    }
    usable.sort(
      (a, b) =>
        Number(b.inExercisesDir) - Number(a.inExercisesDir) || a.depth - b.depth || a.path.localeCompare(b.path),
    );
    const chosen = usable[0];
    if (!chosen) {
      missing.push(name);
      continue;
    }
    found.set(name, chosen.path);
    const ignored = usable.slice(1).map((c) => show(submissionDir, c.path));
    if (ignored.length > 0) {
      notes.push(`${name}: graded ${show(submissionDir, chosen.path)}; ignored other copies ${ignored.join(", ")}.`);
    }
  }
  return { found, missing, notes };
}

/**
 * Copies the chosen files into `targetDir` (created if needed) under their exercise names. A
 * missing exercise stays missing: the grader scores it zero and says the file is missing.
 */
export function stageSubmission(collected: CollectedSubmission, targetDir: string): void {
  mkdirSync(targetDir, { recursive: true });
  for (const [name, path] of collected.found) copyFileSync(path, join(targetDir, name));
}

/** A short account of what was taken from the submission, for the top of a report. */
export function describeCollection(collected: CollectedSubmission, submissionDir: string): string {
  const lines: string[] = [];
  const taken = [...collected.found].map(([, path]) => show(submissionDir, path));
  lines.push(taken.length > 0 ? `Graded files: ${taken.join(", ")}.` : "No exercise files were found in the submission.");
  if (collected.missing.length > 0) {
    lines.push(`Not found in the submission (they score zero): ${collected.missing.join(", ")}.`);
  }
  lines.push(...collected.notes);
  return lines.join("\n");
}

function show(root: string, path: string): string {
  return relative(root, path).split(sep).join("/");
}

/**
 * Finds a student's exercise files in an upload and copies only those into a grading folder.
 *
 * Every platform (Gradescope, GitHub Classroom, local batch grading) receives submissions in its
 * own shape: loose files, an `exercises/` folder, or a whole repository nested in a zip's top
 * folder. Only files named exactly like an exercise of the pristine copy are taken, so a
 * submission cannot bring its own tests, grader, package.json or library.
 *
 * An upload is the student's to shape, so no one entry of it may fail the whole search: an entry
 * that cannot be examined (a name that is not UTF-8, a folder that cannot be read, an exercise
 * file that cannot be opened) is left out with a note saying which and why, and the rest is graded.
 */
import { type Dirent, chmodSync, closeSync, constants, copyFileSync, lstatSync, mkdirSync, openSync, readdirSync, rmSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { plainName } from "../format/text";
import { posixRelative } from "../project";
import { lookAlikeMessage, lookAlikes, MAX_LOOK_ALIKE_CANDIDATES, mightBeMisnamed } from "./look-alike";

/** An exercise file name such as `01-read-your-writes.ts`. */
const EXERCISE_FILE = /^\d{2}-[a-z0-9][a-z0-9-]*\.ts$/;

/** Whether `name` (a file's name, without its folder) is named like an exercise file: NN-name.ts. */
export function isExerciseFileName(name: string): boolean {
  return EXERCISE_FILE.test(name);
}

/**
 * Folders never searched (nor unpacked from a zip). Dependencies and version-control data are not
 * student answers; nor are the bulky folders a Python or Jupyter user's tools leave behind: a
 * `.venv/` alone holds some 25,000 files, which used to exhaust the search before `exercises/`.
 */
export const SKIPPED_DIRS = new Set([
  "node_modules", ".git", ".jupyter", "dist", "__MACOSX",
  ".venv", "venv", "site-packages", "__pycache__", ".ipynb_checkpoints", ".cache", ".tox", ".mypy_cache",
]);

/** A submitted file larger than this is not an answer; it is refused rather than compiled. */
export const MAX_EXERCISE_FILE_BYTES = 512 * 1024;
/**
 * Folders deeper than this below the upload are not read (an exercise file is 1 to 3 deep); a
 * zip's entries below them are not even unpacked (unzip.ts).
 */
export const MAX_DEPTH = 8;
/** Entries listed in all, so that a crafted tree costs the batch little; read shallowest first. */
const MAX_ENTRIES = 20_000;
/** Notes about entries left out; past this many, one line counts the rest. */
const MAX_SKIP_NOTES = 10;

export interface CollectedSubmission {
  /** Exercise file name -> absolute path of the submitted file chosen for it. */
  found: Map<string, string>;
  /** Exercise file names the submission does not contain. */
  missing: string[];
  /** Human-readable notes: duplicates that were ignored, files refused for their size or left unread. */
  notes: string[];
  /**
   * Exercise file name -> files of the upload that look like it (`06-fencing copy.ts`), as shown
   * in the report, never graded (platforms/look-alike.ts): a missing exercise's are named in a
   * note and in its message, a present one's in its message if that file is the untouched stub.
   */
  lookAlikes: Map<string, string[]>;
  /**
   * Exercise file name -> why the upload's file of that name was not taken (too large, unreadable,
   * not a file), as its note says: the exercise's own message says it too, not "missing".
   */
  refused: Map<string, string>;
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

interface Folder {
  path: string;
  depth: number;
}

/** Entries that are not valid UTF-8 would come back from readdirSync mangled, and then not exist. */
const utf8 = new TextDecoder("utf-8", { fatal: true });
const lossyUtf8 = new TextDecoder("utf-8");

/**
 * Walks `submissionDir` without following symbolic links (a link could point at the grader's
 * secret) and picks, for each exercise name, the readable file in an `exercises/` folder if there
 * is one, else the shallowest.
 *
 * The walk is breadth-first, and a folder named `exercises` is read before its siblings: the entry
 * cap then spends itself on what lies deep or beside the answers (a dataset, a virtual
 * environment), never on the way to them.
 *
 * For an exercise it does not find, it names the files that look like it (`06-fencing copy.ts`,
 * `fencing.ts`), and for one it finds, its copies, where answers are kept: at the top of the
 * upload, in a folder named `exercises`, or beside another exercise file it found. Deeper
 * look-alikes are left alone: a whole repository holds `lib/checkers/readYourWrites.ts`, which is
 * no answer. `packedFiles` are the paths of a zip's look-alike entries, which extractZip leaves
 * packed.
 */
export function collectSubmission(
  submissionDir: string,
  names: readonly string[],
  unpackingNotes: readonly string[] = [],
  packedFiles: readonly string[] = [],
): CollectedSubmission {
  const wanted = new Set(names);
  const candidates = new Map<string, Candidate[]>();
  const misnamed = new Set<string>(packedFiles.map(plainName));
  // Entries named like an exercise come first: a thousand odd names must not hide why 01 is missing.
  const exerciseNotes = cappedNotes();
  const otherNotes = cappedNotes();
  // Why a file named exactly like an exercise was not taken, the first reason per name.
  const refusedAs = new Map<string, string>();
  const refuse = (name: string, why: string, then = "not graded."): void => {
    exerciseNotes.add(`${why}: ${then}`);
    if (!refusedAs.has(name)) refusedAs.set(name, why);
  };
  let entries = 0;
  let firstTooDeep: string | undefined;

  const queue: Folder[] = [{ path: submissionDir, depth: 0 }];
  search: for (let next = 0; next < queue.length; next++) {
    const { path: dir, depth } = queue[next];
    if (depth > MAX_DEPTH) {
      firstTooDeep ??= dir;
      continue;
    }
    let children: Dirent<Buffer>[];
    try {
      // Names as bytes: a name that is not UTF-8 cannot then fail a later look-up, it is noted instead.
      children = readdirSync(dir, { withFileTypes: true, encoding: "buffer" });
    } catch (error) {
      otherNotes.add(`The folder ${showFolder(submissionDir, dir)} could not be read (${reason(error)}): nothing in it was graded.`);
      continue;
    }
    // Byte order (for UTF-8, code-point order): the same notes, in the same order, on every machine.
    children.sort((a, b) => Buffer.compare(a.name, b.name));
    const listed: { name: string; entry: Dirent<Buffer> }[] = [];
    for (const entry of children) {
      if (++entries > MAX_ENTRIES) break search;
      let name: string;
      try {
        name = utf8.decode(entry.name);
      } catch {
        otherNotes.add(`Skipped ${show(submissionDir, join(dir, lossyUtf8.decode(entry.name)))}: a name that is not valid UTF-8.`);
        continue;
      }
      listed.push({ name, entry });
    }
    listed.sort((a, b) => Number(b.name === "exercises") - Number(a.name === "exercises"));
    for (const { name, entry } of listed) {
      const path = join(dir, name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(name)) queue.push({ path, depth: depth + 1 });
      }
      if (!wanted.has(name)) {
        if (entry.isFile() && misnamed.size < MAX_LOOK_ALIKE_CANDIDATES && mightBeMisnamed(name)) misnamed.add(show(submissionDir, path));
        continue;
      }
      if (!entry.isFile()) {
        refuse(name, `${show(submissionDir, path)} is ${kindOf(entry)}, not a file`);
        continue;
      }
      let bytes: number;
      try {
        bytes = lstatSync(path).size;
      } catch (error) {
        exerciseNotes.add(`${show(submissionDir, path)} could not be examined (${reason(error)}): not graded.`);
        continue;
      }
      const inExercisesDir = relative(submissionDir, dir).split(sep).pop() === "exercises";
      const list = candidates.get(name) ?? [];
      list.push({ path, depth, inExercisesDir, bytes });
      candidates.set(name, list);
    }
  }

  const found = new Map<string, string>();
  const missing: string[] = [];
  // What unpacking the upload left out (extractZip's notes), first.
  const notes: string[] = [...unpackingNotes];
  for (const name of names) {
    const all = candidates.get(name) ?? [];
    const usable = all.filter((c) => c.bytes <= MAX_EXERCISE_FILE_BYTES);
    for (const c of all) {
      if (c.bytes > MAX_EXERCISE_FILE_BYTES) refuse(name, `${show(submissionDir, c.path)} is ${c.bytes} bytes, over the ${MAX_EXERCISE_FILE_BYTES}-byte limit`);
    }
    usable.sort(
      (a, b) =>
        Number(b.inExercisesDir) - Number(a.inExercisesDir) || a.depth - b.depth || a.path.localeCompare(b.path),
    );
    // Checked here, not only when staging, so that describeCollection (called before staging) knows.
    const chosen = usable.findIndex((c) => {
      const problem = unreadable(c.path);
      if (problem) refuse(name, `${show(submissionDir, c.path)} could not be read (${problem})`, "not graded; make it readable and upload it again.");
      return !problem;
    });
    if (chosen < 0) {
      missing.push(name);
      continue;
    }
    found.set(name, usable[chosen].path);
    const ignored = usable.slice(chosen + 1).map((c) => show(submissionDir, c.path));
    if (ignored.length > 0) {
      notes.push(`${name}: graded ${show(submissionDir, usable[chosen].path)}; ignored other copies ${ignored.join(", ")}.`);
    }
  }
  notes.push(...exerciseNotes.lines(), ...otherNotes.lines());
  const answerFolders = new Set([...found.values()].map((path) => folderOf(show(submissionDir, path))));
  const where = [...misnamed].filter((file) => {
    const folder = folderOf(file);
    return folder === "" || folder.split("/").pop()!.toLowerCase() === "exercises" || answerFolders.has(folder);
  });
  const alike = lookAlikes(missing, [...found.keys()], where, names);
  if (missing.length > 0 && entries > MAX_ENTRIES) {
    notes.push(`The search stopped after ${MAX_ENTRIES.toLocaleString("en-US")} entries; put the exercise files in exercises/ near the top of the upload.`);
  }
  if (missing.length > 0 && firstTooDeep !== undefined) {
    notes.push(`Folders more than ${MAX_DEPTH} deep were not searched (such as ${showFolder(submissionDir, firstTooDeep)}); put the exercise files in exercises/ near the top of the upload.`);
  }
  const refused = new Map(missing.flatMap((name) => (refusedAs.has(name) ? [[name, refusedAs.get(name)!] as const] : [])));
  return { found, missing, notes, lookAlikes: alike, refused };
}

/**
 * Copies the chosen files into `targetDir` (created if needed) under their exercise names, each
 * readable by all (0644): the copy would otherwise keep its source's mode, and a 0600 file copied
 * as root could not be read by the unprivileged account that grades it. A missing exercise stays
 * missing: the grader scores it zero and says the file is missing. A file that cannot be copied
 * (collectSubmission opened it, but it changed since) is a last resort: it is moved from `found` to
 * `missing` with a note in `collected`, costing only that exercise; a caller that described the
 * collection before staging describes it again to report that (grade-upload.ts does).
 */
export function stageSubmission(collected: CollectedSubmission, targetDir: string): void {
  mkdirSync(targetDir, { recursive: true });
  for (const [name, path] of collected.found) {
    const target = join(targetDir, name);
    try {
      copyFileSync(path, target);
      chmodSync(target, 0o644);
    } catch (error) {
      rmSync(target, { force: true });
      collected.found.delete(name);
      collected.missing.push(name);
      collected.missing.sort();
      collected.notes.push(`${name} could not be read (${reason(error)}): not graded; make it readable and upload it again.`);
      collected.refused.set(name, `${name} could not be read (${reason(error)})`);
    }
  }
}

/**
 * `collected.lookAlikes` as engine/grade.ts's Submission takes them: by exercise name without
 * `.ts` ("06-fencing"), each file shown after `prefix`.
 */
export function lookAlikesByExercise(collected: CollectedSubmission, prefix = ""): Record<string, string[]> {
  return Object.fromEntries([...collected.lookAlikes].map(([name, files]) => [name.replace(/\.ts$/, ""), files.map((f) => `${prefix}${f}`)]));
}

/**
 * `collected.refused` as engine/grade.ts's Submission takes it: by exercise name without `.ts`,
 * each reason naming its file after `prefix`.
 */
export function refusedByExercise(collected: CollectedSubmission, prefix = ""): Record<string, string> {
  return Object.fromEntries([...collected.refused].map(([name, why]) => [name.replace(/\.ts$/, ""), `${prefix}${why}`]));
}

/**
 * Exercise name without `.ts` ("05-leader-election") -> its file as the student uploaded it, as
 * the notes name it: its path in the upload (`hw/lab 2/05-leader-election.ts`; a zip's, its path in
 * the zip) after `prefix`. engine/grade.ts's Submission takes it (`uploadedAs`), so that a message
 * about the file (it does not compile, a type error, the screen refused it) names it where the
 * student and the instructor find it, not as the grader's scratch copy.
 */
export function uploadedNames(collected: CollectedSubmission, submissionDir: string, prefix = ""): Record<string, string> {
  return Object.fromEntries([...collected.found].map(([name, path]) => [name.replace(/\.ts$/, ""), `${prefix}${show(submissionDir, path)}`]));
}

/** A short account of what was taken from the submission, for the top of a report. */
export function describeCollection(collected: CollectedSubmission, submissionDir: string): string {
  const lines: string[] = [];
  const taken = [...collected.found].map(([, path]) => show(submissionDir, path));
  lines.push(taken.length > 0 ? `Graded files: ${taken.join(", ")}.` : "No exercise files were found in the submission.");
  // A file that is there but was refused is not "not found": its note below says why.
  const notFound = collected.missing.filter((name) => !collected.refused.has(name));
  if (notFound.length > 0) {
    lines.push(`Not found in the submission (they score zero): ${notFound.join(", ")}.`);
  }
  for (const name of collected.missing) {
    const alike = collected.lookAlikes.get(name);
    if (alike) lines.push(`${lookAlikeMessage(`exercises/${name}`, name, alike, "submit again")} (not graded: the grader takes only files named exactly like an exercise).`);
  }
  // A file named like one that was graded (`06-fencing (1).ts` beside `06-fencing.ts`) is not
  // graded: say which one was. Whether the graded one is the untouched stub, with the work in the
  // copy, only its tests tell; that exercise's messages then name the copy too.
  for (const [name, path] of collected.found) {
    const copies = collected.lookAlikes.get(name);
    if (!copies) continue;
    const shown = copies.slice(0, 3).map((f) => `'${f}'`).join(", ") + (copies.length > 3 ? ` and ${copies.length - 3} more` : "");
    lines.push(`${name}: graded ${show(submissionDir, path)}; ignored ${shown}, named like it (a file is graded only under its exact name).`);
  }
  lines.push(...collected.notes);
  return lines.join("\n");
}

/** Why `path` cannot be opened for reading, or undefined if it can. Never follows a link, never waits on a pipe. */
function unreadable(path: string): string | undefined {
  try {
    closeSync(openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK));
    return undefined;
  } catch (error) {
    return reason(error);
  }
}

/** An error's code and description without the path it names ("EACCES: permission denied"): that path may be the grader's. */
function reason(error: unknown): string {
  return (error as Error).message.split(",")[0];
}

function kindOf(entry: Dirent<Buffer>): string {
  if (entry.isSymbolicLink()) return "a symbolic link";
  if (entry.isDirectory()) return "a folder";
  if (entry.isFIFO()) return "a named pipe";
  if (entry.isSocket()) return "a socket";
  return "a device";
}

/** Up to MAX_SKIP_NOTES notes, then one line that counts the rest: a crafted upload can have thousands. */
function cappedNotes(): { add: (note: string) => void; lines: () => string[] } {
  const kept: string[] = [];
  let count = 0;
  return {
    add: (note) => {
      if (++count <= MAX_SKIP_NOTES) kept.push(note);
    },
    lines: () => (count > MAX_SKIP_NOTES ? [...kept, `${count - MAX_SKIP_NOTES} more entries were left out for reasons like these.`] : kept),
  };
}

/** The folder of a shown path ("" at the top of the upload). */
function folderOf(shown: string): string {
  return shown.includes("/") ? shown.slice(0, shown.lastIndexOf("/")) : "";
}

/** A path of the upload as its notes show it: "/" between folders, on one line, without control characters (plainName). */
function show(root: string, path: string): string {
  return plainName(posixRelative(root, path));
}

function showFolder(root: string, path: string): string {
  const shown = show(root, path);
  return shown === "" ? "at the top of the upload" : `${shown}/`;
}

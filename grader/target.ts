/**
 * What `--target` names (`npm run grade`, `npm run replay`), as a folder of exercise files.
 *
 * A folder named `exercises`, or one that holds exercise files (`solutions`, a folder of a
 * student's files), is graded as it is: a student's own `exercises/` means what check() grades,
 * whatever else they keep in it. A `.zip`, or another folder without exercise files of its own
 * but with folders in it (a student's repository, a submission of a batch), is searched the way an upload is
 * (platforms/collect.ts): its exercise files are copied into a scratch folder, which is graded.
 * So the replay command of a batch's report, `--target submissions/alice.zip`, replays exactly
 * the files the batch graded.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, posix } from "node:path";
import { collectSubmission, describeCollection, isExerciseFileName, lookAlikesByExercise, refusedByExercise, stageSubmission, uploadedNames } from "./platforms/collect";
import { plainName } from "./format/text";
import { posixRelative } from "./project";
import { extractZip } from "./platforms/unzip";

export interface OpenedTarget {
  /** The folder whose `NN-name.ts` files are graded. */
  dir: string;
  /**
   * How the graded files' folder is shown, when they were taken from one folder of an upload: a
   * zip's by its path in the zip (`erin/exercises`), a repository's from here
   * (`subs/bob/exercises`), so that each message names the file where it is. Absent for a plain
   * folder, and when the files came from several folders or none.
   */
  display?: string;
  /** What was taken from an upload (a zip, a repository), for the person who asked; absent for a plain folder. */
  notes?: string;
  /**
   * Exercise -> the upload's files that look like its file, missing or there, as shown: a
   * folder's by their path from here (`submissions/bob/exercises/06-fencing copy.ts`), a zip's by
   * their path in it (`alice/exercises/06-fencing copy.ts`), as the notes name them.
   */
  lookAlikes?: Record<string, string[]>;
  /** Exercise -> why the upload's file of that name was not taken, named as the notes name it. */
  refused?: Record<string, string>;
  /**
   * Exercise -> the upload's file graded for it, named as its look-alikes are (a zip's by its path
   * in the zip, a folder's by its path from here), for every message about it.
   */
  uploadedAs?: Record<string, string>;
  /** Removes the scratch folder, if one was made. */
  close(): void;
}

/**
 * Opens `path` (absolute), shown as `shown`, for grading the exercise files `names`
 * (`05-leader-election.ts`). Throws with a message naming `--target` when there is nothing there
 * to grade.
 */
export async function openTarget(path: string, shown: string, names: readonly string[]): Promise<OpenedTarget> {
  if (!existsSync(path)) throw new Error(`--target ${shown}: no such folder or zip`);
  const stat = statSync(path);
  const zipped = stat.isFile() && path.toLowerCase().endsWith(".zip");
  if (!zipped && !stat.isDirectory()) throw new Error(`--target ${shown}: not a folder or a .zip`);
  if (!zipped) {
    const entries = readdirSync(path, { withFileTypes: true });
    const ownFiles = entries.some((e) => isExerciseFileName(e.name));
    if (ownFiles || basename(path) === "exercises" || !entries.some((e) => e.isDirectory())) return { dir: path, close: () => {} };
  }
  const work = mkdtempSync(join(tmpdir(), "rl-target-"));
  try {
    let upload = path;
    const leftOut: string[] = [];
    const packed: string[] = [];
    if (zipped) {
      upload = join(work, "upload");
      await extractZip(path, upload, leftOut, packed);
    }
    const collected = collectSubmission(upload, names, leftOut, packed);
    const dir = join(work, "exercises");
    stageSubmission(collected, dir);
    const prefix = shown.replace(/\/+$/, "");
    // A zip's entry is named as the notes name it, by its path in the zip: the path in the folder
    // that was zipped, where it can be renamed, and the words of a batch's or a platform's report
    // of the same zip. "submissions/alice.zip/exercises/06-fencing copy.ts" is no file to rename.
    // A folder's files are named by their path from here. The same for every name below.
    const inUpload = zipped ? "" : `${prefix}/`;
    // Names from the upload: shown as plain text, as the notes show them.
    const folders = new Set([...collected.found.values()].map((file) => plainName(posix.dirname(posixRelative(upload, file)))));
    const folder = folders.size === 1 ? [...folders][0] : ".";
    return {
      dir,
      ...(folder === "." ? {} : { display: `${inUpload}${folder}` }),
      notes: `From ${prefix}: ${describeCollection(collected, upload)}`,
      lookAlikes: lookAlikesByExercise(collected, inUpload),
      refused: refusedByExercise(collected, inUpload),
      uploadedAs: uploadedNames(collected, upload, inUpload),
      close: () => rmSync(work, { recursive: true, force: true }),
    };
  } catch (error) {
    rmSync(work, { recursive: true, force: true });
    throw new Error(`--target ${shown}: ${(error as Error).message}`);
  }
}

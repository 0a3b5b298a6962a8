/**
 * Unpacks the exercise files of a zipped submission, and nothing else.
 *
 * Only entries named like an exercise file and at most MAX_EXERCISE_FILE_BYTES unpacked are
 * inflated, so a zip bomb or a huge upload costs nothing; entries in folders the submission's
 * walk skips (node_modules/, .git/, …) are left packed too. A zip with more than
 * MAX_ZIP_EXERCISE_FILES such entries is refused before anything is written (a crafted zip of
 * many thousand tiny entries would otherwise cost the batch the time to write them all); entry
 * paths that would escape the destination ("../", absolute) are refused.
 */
import { unzipSync } from "fflate";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join, normalize, sep } from "node:path";
import { MAX_EXERCISE_FILE_BYTES, SKIPPED_DIRS } from "./collect";

const EXERCISE_ENTRY = /(^|\/)\d{2}-[a-z0-9][a-z0-9-]*\.ts$/;

/** Files named like exercise files that one zip may hold: a submission has one per exercise, and perhaps a few copies. */
export const MAX_ZIP_EXERCISE_FILES = 200;

export function extractZip(zipBytes: Uint8Array, destDir: string): number {
  let entries: Record<string, Uint8Array>;
  let named = 0;
  try {
    entries = unzipSync(zipBytes, {
      filter: (file) =>
        EXERCISE_ENTRY.test(file.name) &&
        file.originalSize <= MAX_EXERCISE_FILE_BYTES &&
        !file.name.split("/").some((part) => SKIPPED_DIRS.has(part)) &&
        ++named <= MAX_ZIP_EXERCISE_FILES,
    });
  } catch (error) {
    throw new Error(`the uploaded zip could not be read: ${(error as Error).message}`);
  }
  if (named > MAX_ZIP_EXERCISE_FILES) {
    throw new Error(`the uploaded zip holds more than ${MAX_ZIP_EXERCISE_FILES} files named like exercise files (NN-name.ts); zip only the exercises/ folder`);
  }
  mkdirSync(destDir, { recursive: true });
  let written = 0;
  for (const [name, bytes] of Object.entries(entries)) {
    const relative = normalize(name);
    if (isAbsolute(relative) || relative.split(sep).includes("..")) continue;
    const path = join(destDir, relative);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, bytes);
    written++;
  }
  return written;
}

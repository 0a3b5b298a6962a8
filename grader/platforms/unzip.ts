/**
 * Unpacks the exercise files of a zipped submission, and nothing else.
 *
 * Only entries named like an exercise file and at most MAX_EXERCISE_FILE_BYTES unpacked are
 * inflated, so a zip bomb or a huge upload costs nothing; entry paths that would escape the
 * destination ("../", absolute) are refused.
 */
import { unzipSync } from "fflate";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join, normalize, sep } from "node:path";
import { MAX_EXERCISE_FILE_BYTES } from "./collect";

const EXERCISE_ENTRY = /(^|\/)\d{2}-[a-z0-9][a-z0-9-]*\.ts$/;

export function extractZip(zipBytes: Uint8Array, destDir: string): number {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(zipBytes, {
      filter: (file) => EXERCISE_ENTRY.test(file.name) && file.originalSize <= MAX_EXERCISE_FILE_BYTES,
    });
  } catch (error) {
    throw new Error(`the uploaded zip could not be read: ${(error as Error).message}`);
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

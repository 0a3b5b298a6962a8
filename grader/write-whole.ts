/**
 * Writes a report, a gradebook or a platform's results file whole or not at all: into a new file
 * beside it, then renamed over it. Whatever stood at the path is replaced, never written through:
 * an older report, or a socket a submission's code bound there where the sandbox cannot hide the
 * grader's folders (opening a socket to write fails with ENXIO, and the report would be lost).
 * A reader (a platform collecting results, a course's script) never sees half a file.
 */
import { randomBytes } from "node:crypto";
import { renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";

export function writeWhole(path: string, data: string | Uint8Array, options: { mode?: number } = {}): void {
  // A name no one can have chosen in advance, created new ("wx"): nothing planted is opened.
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}-${randomBytes(6).toString("hex")}.tmp`);
  try {
    writeFileSync(temp, data, { flag: "wx", ...(options.mode !== undefined ? { mode: options.mode } : {}) });
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/**
 * The folder an instructor command writes (a student release, a PrairieLearn package): outside
 * the project, new or empty, and written whole or not at all. The content is built in a scratch
 * folder beside it and renamed into place once the build returned, so a build that fails (or
 * refuses, having found a secret or an unfinished file) leaves nothing behind.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, rmdirSync, statSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";

/** Throws unless `out` is outside `root` and new or an empty folder; returns it resolved. */
export function checkOutFolder(root: string, out: string): string {
  const path = resolve(out);
  if (path === resolve(root) || !relative(resolve(root), path).startsWith("..")) {
    throw new Error(`--out must be outside the project (${resolve(root)}), got ${path}`);
  }
  if (existsSync(path) && (!statSync(path).isDirectory() || readdirSync(path).length > 0)) {
    throw new Error(`--out ${path} already exists and is not an empty folder; choose a new one`);
  }
  return path;
}

/** Runs `build` on a scratch folder beside `out`, then puts that folder in `out`'s place. */
export function buildInto<T>(out: string, build: (stage: string) => T): T {
  mkdirSync(dirname(out), { recursive: true });
  const stage = mkdtempSync(join(dirname(out), `.${basename(out)}.partial-`));
  try {
    const result = build(stage);
    if (existsSync(out)) rmdirSync(out);
    renameSync(stage, out);
    return result;
  } catch (error) {
    rmSync(stage, { recursive: true, force: true });
    throw error;
  }
}

/**
 * A grader copy fetched by a workflow into a runner that is about to run student code: the full
 * private checkout (solutions, variants, history) or the Gradescope zip's app/ folder (with the
 * hidden-seed secret as a file). Before anything of the student's runs, the secret moves into
 * the grading process's environment and off the disk, and everything grading does not need is
 * deleted.
 */
import { existsSync, lstatSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { posixRelative } from "../project";
import { isGradingFile } from "./app-files";
import { gradeUpload, type UploadGrade, type UploadOptions } from "./grade-upload";

const KEEP_DIRS = new Set(["node_modules"]);

/** Deletes every file of the grader copy that grading does not need; returns how many. */
export function pruneGraderCopy(root: string): number {
  let removed = 0;
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      const rel = posixRelative(root, path);
      if (dir === root && KEEP_DIRS.has(name)) continue;
      if (lstatSync(path).isDirectory()) {
        walk(path);
        if (readdirSync(path).length === 0) rmSync(path, { recursive: true });
      } else if (!isGradingFile(rel)) {
        rmSync(path, { force: true });
        removed++;
      }
    }
  };
  walk(root);
  return removed;
}

/**
 * The environment to grade with: `env`, plus the copy's secret file as RL_GRADER_SECRET when the
 * environment holds none. With `prune`, the secret file, the history and everything grading does
 * not need are then deleted from the copy (it must be a throw-away copy: solutions go too).
 */
export function prepareGraderCopy(root: string, env: NodeJS.ProcessEnv, options: { prune: boolean }): NodeJS.ProcessEnv {
  const out = { ...env };
  const secretFile = join(root, "grader/.secret");
  if (!out.RL_GRADER_SECRET && existsSync(secretFile)) out.RL_GRADER_SECRET = readFileSync(secretFile, "utf8").trim();
  if (options.prune) {
    rmSync(secretFile, { force: true });
    rmSync(join(root, ".git"), { recursive: true, force: true });
    pruneGraderCopy(root);
  }
  return out;
}

/**
 * Grades a student's repository checked out in a workflow with the copy at `root`, in `format`:
 * the exercises RL_ONLY names ("05,06"), all when it is unset. The grading run gets only PATH and
 * the secret from the workflow's environment, and RL_GRADE_TIMEOUT_S seconds (default 600).
 */
export function gradeRepositoryUpload(root: string, submissionDir: string, format: UploadOptions["format"], env: NodeJS.ProcessEnv): Promise<UploadGrade> {
  return gradeUpload({
    graderRoot: root,
    submissionDir,
    format,
    only: (env.RL_ONLY ?? "").split(",").map((id) => id.trim()).filter(Boolean),
    timeoutMs: Number(env.RL_GRADE_TIMEOUT_S ?? 600) * 1000,
    env: { PATH: env.PATH, ...(env.RL_GRADER_SECRET ? { RL_GRADER_SECRET: env.RL_GRADER_SECRET } : {}) },
  });
}

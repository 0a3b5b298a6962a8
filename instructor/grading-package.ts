/**
 * What every grading package (Gradescope's zip, PrairieLearn's image, Classroom 50's autograder)
 * is made of: the project's grading files (the library, the grader, the exercise stubs and the
 * lockfile; never solutions, variants or notebooks), the hidden-seed secret when there is one,
 * and a note of the commit it was built from.
 */
import { execFileSync } from "node:child_process";
import { statSync } from "node:fs";
import { join } from "node:path";
import { isGradingFile } from "../grader/platforms/app-files";
import { findGraderSecret } from "./grader-secret";
import { projectFiles } from "./project-files";

/** The project-relative paths of the files a grading package holds. */
export function appFiles(root: string): string[] {
  return projectFiles(root).filter(isGradingFile);
}

/** The mode a packed file gets: executable files stay executable, the rest read-only for others. */
export function packedMode(root: string, file: string): number {
  return (statSync(join(root, file)).mode & 0o111) !== 0 ? 0o755 : 0o644;
}

/** The hidden-seed secret, or an error that says how to make one unless `withoutSecret`. */
export function packageSecret(root: string, env: NodeJS.ProcessEnv, withoutSecret: boolean | undefined): string | undefined {
  const secret = findGraderSecret(root, env);
  if (!secret && !withoutSecret) {
    throw new Error(
      "no hidden-seed secret: set RL_GRADER_SECRET or write one line to grader/.secret " +
        "(e.g. `openssl rand -hex 32 > grader/.secret`), or pass --without-secret to build one whose hidden cases students can reproduce",
    );
  }
  return secret;
}

/** "<commit>" or "<commit> (with uncommitted changes)": which version of the grader a package holds. */
export function describeCommit(root: string): string {
  try {
    const git = (...args: string[]): string => execFileSync("git", args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    const dirty = git("status", "--porcelain").length > 0 ? " (with uncommitted changes)" : "";
    return `${git("rev-parse", "HEAD")}${dirty}`;
  } catch {
    return "unknown (not a git checkout)";
  }
}

/** The text of a package's version note. */
export function versionNote(what: string, root: string, secretIncluded: boolean, files: number): string {
  return [
    `Replication Lab ${what} built ${new Date().toISOString()}`,
    `from commit ${describeCommit(root)}`,
    `hidden-seed secret: ${secretIncluded ? "included" : "NOT included"}`,
    `files: ${files}`,
  ].join("\n");
}

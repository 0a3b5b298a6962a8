/**
 * What every grading package (Gradescope's zip, PrairieLearn's image, Classroom 50's autograder)
 * is made of: the project's grading files (the library, the grader, the exercise stubs and the
 * lockfile; never solutions, variants or notebooks), the hidden-seed secret when there is one,
 * and a note of the commit it was built from.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { isGradingFile } from "../grader/platforms/app-files";
import { isExerciseStub, stubProblems } from "./exercise-stubs";
import { findGraderSecret, MAKE_SECRET } from "./grader-secret";
import { projectFiles } from "./project-files";
import { mustBeFinished, UNFINISHED_MARKER } from "./release-rules";

/**
 * The project-relative paths of the files a grading package holds. A package is built from the
 * working tree, so it refuses, as the release does, an exercise file that is not the students'
 * stub (an answer tried out in exercises/) and a file that still says TODO(instructor) (an
 * exercise being written): the PrairieLearn image and the Classroom 50 autograder are public, and
 * every exercise the package holds is graded.
 */
export function appFiles(root: string): string[] {
  const files = projectFiles(root).filter(isGradingFile);
  const problems: string[] = [];
  const answered = files.filter(isExerciseStub).flatMap((file) => stubProblems(file, readFileSync(join(root, file), "utf8")));
  if (answered.length > 0) {
    problems.push(
      `exercise files that are not the students' stubs (an answer, or an answer begun):\n${answered.map((a) => `  ${a}`).join("\n")}\n` +
        "A grading package holds the files as they are on disk: put the stub back (git restore FILE; answers belong in solutions/)",
    );
  }
  const unfinished = files.filter((file) => mustBeFinished(file) && readFileSync(join(root, file)).includes(UNFINISHED_MARKER));
  if (unfinished.length > 0) {
    problems.push(`unfinished files (they still say ${UNFINISHED_MARKER}): ${unfinished.join(", ")}; finish them, or move the exercise's files out of the project while it is being written`);
  }
  if (problems.length > 0) throw new Error(`${problems.join("\n")}\nNothing was written.`);
  return files;
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
        `(e.g. \`${MAKE_SECRET}\`), or pass --without-secret to build one whose hidden cases students can reproduce`,
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

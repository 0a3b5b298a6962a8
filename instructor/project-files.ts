/**
 * The project's own files: what git tracks plus new files it does not ignore, so a package built
 * from a working tree holds exactly what a commit of it would, and never node_modules, dist,
 * secrets or executed-notebook copies. Outside a git checkout, a walk with the same exclusions.
 *
 * The student release is stricter (gitFiles): only what git tracks, and what differs from the
 * last commit, so that it can refuse to ship an instructor's uncommitted work.
 */
import { execFileSync } from "node:child_process";
import { existsSync, lstatSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { posixRelative } from "../grader/project";

const NEVER = [/^node_modules\//, /^dist\//, /^\.jupyter\//, /^\.cache\//, /^\.git\//, /^artifacts\//, /\.nbconvert\.ipynb$/, /\.ipynb_checkpoints\//];

/** Runs git in `root` (never in a repository named by GIT_DIR and the like); throws if it fails. */
function git(root: string, args: readonly string[]): string {
  const env = { ...process.env };
  for (const name of ["GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_PREFIX"]) delete env[name];
  return execFileSync("git", args, { cwd: root, env, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], maxBuffer: 64 * 1024 * 1024 });
}

/** The files of a list that are files on disk and never excluded, sorted. */
function kept(root: string, files: readonly string[]): string[] {
  // A tracked file deleted in the working tree is not part of it; links are not followed.
  return files
    .filter((file) => !NEVER.some((pattern) => pattern.test(file)))
    .filter((file) => existsSync(join(root, file)) && lstatSync(join(root, file)).isFile())
    .sort();
}

export function projectFiles(root: string): string[] {
  let files: string[];
  try {
    files = git(root, ["ls-files", "-z", "--cached", "--others", "--exclude-standard"]).split("\0").filter(Boolean);
  } catch {
    files = walk(root, root);
  }
  return kept(root, files);
}

/** Every file under `root` except the exclusions: what a folder that is not a git checkout holds. */
export function walkedFiles(root: string): string[] {
  return kept(root, walk(root, root));
}

/** A tracked path whose working-tree content is not what the last commit holds. */
export interface UncommittedChange {
  file: string;
  change: "modified" | "deleted" | "new, not committed";
}

/** What git says of a checkout: its tracked files, the uncommitted changes among them, and the untracked files. */
export interface GitFiles {
  /** Tracked files present on disk (without the exclusions), as the working tree has them. */
  tracked: string[];
  /** Tracked paths (or paths the last commit holds) that differ from the last commit. */
  uncommitted: UncommittedChange[];
  /** Files git neither tracks nor ignores (scratch files, notes, new files not added yet). */
  untracked: string[];
}

/** What git tracks under `root`; null when `root` is not inside a git checkout (or git is missing). */
export function gitFiles(root: string): GitFiles | null {
  try {
    if (git(root, ["rev-parse", "--is-inside-work-tree"]).trim() !== "true") return null;
  } catch {
    return null;
  }
  const list = (args: string[]) => git(root, args).split("\0").filter(Boolean);
  const tracked = list(["ls-files", "-z", "--cached"]);
  const untracked = kept(root, list(["ls-files", "-z", "--others", "--exclude-standard"]));
  let hasCommit = true;
  try {
    git(root, ["rev-parse", "--verify", "-q", "HEAD"]);
  } catch {
    hasCommit = false;
  }
  const uncommitted: UncommittedChange[] = [];
  if (!hasCommit) {
    for (const file of tracked) uncommitted.push({ file, change: "new, not committed" });
  } else {
    // The working tree against the last commit, staged or not: "M\0path\0D\0path\0".
    const fields = list(["diff", "--name-status", "-z", "--no-renames", "--relative", "HEAD", "--"]);
    for (let i = 0; i + 1 < fields.length; i += 2) {
      const status = fields[i];
      const change = status.startsWith("D") ? "deleted" : status.startsWith("A") ? "new, not committed" : "modified";
      uncommitted.push({ file: fields[i + 1], change });
    }
  }
  return {
    tracked: kept(root, tracked),
    uncommitted: uncommitted.filter((c) => !NEVER.some((pattern) => pattern.test(c.file))).sort((a, b) => a.file.localeCompare(b.file)),
    untracked,
  };
}

function walk(root: string, dir: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const rel = posixRelative(root, path);
    if (NEVER.some((pattern) => pattern.test(`${rel}/`) || pattern.test(rel))) continue;
    const stat = lstatSync(path);
    if (stat.isDirectory()) found.push(...walk(root, path));
    else if (stat.isFile()) found.push(rel);
  }
  return found;
}

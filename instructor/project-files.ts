/**
 * The project's own files: what git tracks plus new files it does not ignore, so a package built
 * from a working tree holds exactly what a commit of it would, and never node_modules, dist,
 * secrets or executed-notebook copies. Outside a git checkout, a walk with the same exclusions.
 */
import { execFileSync } from "node:child_process";
import { existsSync, lstatSync, readdirSync } from "node:fs";
import { join, relative, sep } from "node:path";

const NEVER = [/^node_modules\//, /^dist\//, /^\.jupyter\//, /^\.cache\//, /^\.git\//, /^artifacts\//, /\.nbconvert\.ipynb$/, /\.ipynb_checkpoints\//];

export function projectFiles(root: string): string[] {
  let files: string[];
  try {
    const out = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
      cwd: root,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
      maxBuffer: 64 * 1024 * 1024,
    });
    files = out.split("\0").filter(Boolean);
  } catch {
    files = walk(root, root);
  }
  // A tracked file deleted in the working tree is not part of it; links are not followed.
  return files
    .filter((file) => !NEVER.some((pattern) => pattern.test(file)))
    .filter((file) => existsSync(join(root, file)) && lstatSync(join(root, file)).isFile())
    .sort();
}

function walk(root: string, dir: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const rel = relative(root, path).split(sep).join("/");
    if (NEVER.some((pattern) => pattern.test(`${rel}/`) || pattern.test(rel))) continue;
    const stat = lstatSync(path);
    if (stat.isDirectory()) found.push(...walk(root, path));
    else if (stat.isFile()) found.push(rel);
  }
  return found;
}

/**
 * What the student release leaves out, and the checks that the rest still works without it.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize, sep } from "node:path";

/**
 * Left out of the student release: answers (solutions, known-wrong variants, correct
 * alternatives, the secret),
 * instructor documentation, instructor tools that need those answers to run, and the grader's
 * own test suite (it grades the solutions and variants; the graded tests in grader/exercises/
 * stay, they are what students are graded by).
 */
const LEFT_OUT = [
  /^solutions\//,
  /^grader\/variants\//,
  /^grader\/alternatives\//,
  /^grader\/\.secret$/,
  /^grader\/(?!exercises\/).*\.test\.ts$/,
  /^grader\/fixtures\//,
  /^grader\/platforms\/fake-grader\.ts$/,
  /^docs\/INSTRUCTORS\.md$/,
  /^docs\/instructors\//,
  /^scripts\/(release|gradescope|new-exercise|bench-batch)[\w-]*(\.test)?\.ts$/,
];

/** What `npm run new-exercise` leaves for the instructor to fill in; never shipped to students. */
export const UNFINISHED_MARKER = "TODO(instructor)";

export function isReleased(file: string): boolean {
  return !LEFT_OUT.some((pattern) => pattern.test(file));
}

/** package.json without the scripts that run a left-out file (`npm run release` and the like). */
export function releasePackageJson(text: string): string {
  const pkg = JSON.parse(text) as { scripts?: Record<string, string> };
  for (const [name, command] of Object.entries(pkg.scripts ?? {})) {
    const paths = command.split(/\s+/).filter((token) => /^[\w.-]+\/[\w./-]+\.(ts|sh|py|js|mjs)$/.test(token));
    if (paths.some((path) => !isReleased(path))) delete pkg.scripts![name];
  }
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

const IMPORT_SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)["'](\.{1,2}\/[^"']*)["']/g;

/** The file a relative import names, trying TypeScript's extension rules; null if none exists. */
function resolveImport(root: string, fromFile: string, specifier: string): string | null {
  const base = normalize(join(dirname(fromFile), specifier));
  const stem = base.replace(/\.(js|mjs|cjs)$/, "");
  for (const candidate of [base, `${base}.ts`, `${stem}.ts`, join(base, "index.ts")]) {
    const path = join(root, candidate);
    if (existsSync(path) && statSync(path).isFile()) return candidate.split(sep).join("/");
  }
  return null;
}

/** "grader/x.ts imports ../solutions/05-leader-election (left out)" for every kept file that would break. */
export function brokenImports(root: string, keptFiles: readonly string[]): string[] {
  const problems: string[] = [];
  for (const file of keptFiles) {
    if (!/\.(ts|mts|cts|js|mjs|cjs)$/.test(file)) continue;
    const text = readFileSync(join(root, file), "utf8");
    for (const match of text.matchAll(IMPORT_SPECIFIER)) {
      const target = resolveImport(root, file, match[1]);
      if (target !== null && !isReleased(target)) {
        problems.push(`${file} imports ${match[1]} (left out)`);
      }
    }
  }
  return problems;
}

/**
 * What the student release leaves out, and the checks that the rest still works without it.
 *
 * The rule is about folders: everything that gives answers away or serves only instructors lives
 * in a folder of its own, and the release leaves those folders out whole. A new instructor tool
 * goes in instructor/ and is left out without anyone touching this file.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize, posix, sep } from "node:path";

/** Folders students never get. */
export const LEFT_OUT_FOLDERS = [
  "solutions/", // reference answers
  "grader/variants/", // known-wrong answers
  "grader/alternatives/", // correct answers other than the reference solution
  "instructor/", // instructor tools, their tests and the instructor guide
  "grader/fixtures/", // the grader's self-tests: hostile submissions and a stand-in grader
  "bench/grading/", // benchmarks that grade solutions/ and grader/variants/
] as const;

/** Single files students never get. */
export const LEFT_OUT_FILES = [
  "grader/.secret", // the hidden-seed secret (git ignores it; a copy on disk must not ship either)
  "grader/SPEED.md", // the grader's measurements, batch grading's included: for instructors
] as const;

/**
 * Files the release ships in place of the project's own, by the source they are written from: the
 * grader's guide documents validation, secrets, batch grading and the hidden cases' making, for
 * instructors; students get a guide of their own under the same name.
 */
export const RELEASE_REPLACEMENTS: Readonly<Record<string, string>> = {
  "grader/README.md": "grader/README.student.md",
};

/**
 * npm scripts that serve only instructors although the files they run ship (the grader's CLI
 * needs them): batch grading of a class's submissions.
 */
const INSTRUCTOR_SCRIPT_FILES = ["grader/batch-cli.ts"];

/**
 * The grader's self-tests grade solutions/ and grader/variants/, so they cannot run in a release:
 * every `*.test.ts` under grader/ except the graded tests in grader/exercises/, which are what
 * students are graded by and stay.
 */
function isGraderSelfTest(file: string): boolean {
  return file.startsWith("grader/") && file.endsWith(".test.ts") && !file.startsWith("grader/exercises/");
}

/** What `npm run new-exercise` leaves for the instructor to fill in; never shipped to students. */
export const UNFINISHED_MARKER = "TODO(instructor)";

/**
 * The released folders `npm run new-exercise` writes into (stubs, graded tests and metadata,
 * notebook cells): a file there that still holds the marker is an unfinished exercise. (The
 * grader's own code may name the marker, to tell instructors what is left to do.)
 */
export const EXERCISE_FOLDERS = ["exercises/", "grader/exercises/", "notebooks/"] as const;

/** True for a released file that must not hold UNFINISHED_MARKER. */
export function mustBeFinished(file: string): boolean {
  return EXERCISE_FOLDERS.some((folder) => file.startsWith(folder));
}

/** True if a project-relative path (with "/" separators) belongs in the student release. */
export function isReleased(file: string): boolean {
  if (LEFT_OUT_FOLDERS.some((folder) => file.startsWith(folder) || `${file}/` === folder)) return false;
  if ((LEFT_OUT_FILES as readonly string[]).includes(file)) return false;
  // Shipped under the name it replaces, not under its own.
  if (Object.values(RELEASE_REPLACEMENTS).includes(file)) return false;
  return !isGraderSelfTest(file);
}

/**
 * True if the release is written from this file's content: a released file (except README.md,
 * which the release writes anew for students) or the source of a file shipped in another's place.
 */
export function feedsRelease(file: string): boolean {
  if (Object.values(RELEASE_REPLACEMENTS).includes(file)) return true;
  return isReleased(file) && file !== "README.md";
}

/** The project paths an npm script names: `tsx instructor/release.ts` -> ["instructor/release.ts"]. */
export function scriptPaths(command: string): string[] {
  return command
    .split(/\s+|&&|\|\||;/)
    .map((token) => token.replace(/^["']|["']$/g, ""))
    .filter((token) => /^[\w.-]+\/[\w./-]*$/.test(token) && !token.startsWith("node_modules/"));
}

/**
 * Whether an npm script serves only instructors: it runs a left-out file or folder, the grader's
 * validation (`--validate` grades solutions/ and the known-wrong variants) or its batch grading.
 */
export function isInstructorScript(command: string): boolean {
  if (/(^|\s)--(validate|batch)(\s|$)/.test(command)) return true;
  if (scriptPaths(command).some((path) => INSTRUCTOR_SCRIPT_FILES.includes(path))) return true;
  return scriptPaths(command).some((path) => !isReleased(path) || !isReleased(path.replace(/\/?$/, "/")));
}

/** package.json without the instructor-only scripts (`npm run release` and the like). */
export function releasePackageJson(text: string): string {
  const pkg = JSON.parse(text) as { scripts?: Record<string, string> };
  for (const [name, command] of Object.entries(pkg.scripts ?? {})) {
    if (isInstructorScript(command)) delete pkg.scripts![name];
  }
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

/** "npm run x: runs scripts/y.ts, which the release does not hold" for every kept script that would fail. */
export function brokenScripts(releaseDir: string): string[] {
  const pkg = JSON.parse(readFileSync(join(releaseDir, "package.json"), "utf8")) as { scripts?: Record<string, string> };
  const problems: string[] = [];
  for (const [name, command] of Object.entries(pkg.scripts ?? {})) {
    for (const path of scriptPaths(command)) {
      if (!existsSync(join(releaseDir, path))) problems.push(`npm run ${name}: runs ${path}, which the release does not hold`);
    }
  }
  return problems;
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

/**
 * "grader/x.ts imports ../solutions/05-leader-election (left out)" for every kept file that would
 * break: it imports a left-out file, or a file that is not among the kept ones for another reason
 * (`notKept` says which: a file git does not track is never shipped).
 */
export function brokenImports(root: string, keptFiles: readonly string[], notKept = "not in the release"): string[] {
  const problems: string[] = [];
  const kept = new Set(keptFiles);
  for (const file of keptFiles) {
    if (!/\.(ts|mts|cts|js|mjs|cjs)$/.test(file)) continue;
    const text = readFileSync(join(root, file), "utf8");
    for (const match of text.matchAll(IMPORT_SPECIFIER)) {
      const target = resolveImport(root, file, match[1]);
      if (target !== null && !isReleased(target)) {
        problems.push(`${file} imports ${match[1]} (left out)`);
      } else if (target !== null && !kept.has(target)) {
        problems.push(`${file} imports ${match[1]} (${notKept})`);
      }
    }
  }
  return problems;
}

/** Markdown link targets: `[text](target)`, `![alt](target "title")`, `[id]: target`, `href="target"`, `src="target"`. */
const LINK = /!?\[[^\]\n]*\]\(\s*<?([^)\s>]+)>?(?:\s+["'(][^)]*)?\)|^\s{0,3}\[[^\]\n]+\]:\s*<?(\S+?)>?(?:\s|$)|\b(?:href|src)\s*=\s*["']([^"']+)["']/gm;

/** The Markdown of a released file: a .md file's text, or a notebook's Markdown cells. */
function markdownOf(file: string, text: string): string | undefined {
  if (file.endsWith(".md")) return text;
  if (!file.endsWith(".ipynb")) return undefined;
  try {
    const notebook = JSON.parse(text) as { cells?: { cell_type?: string; source?: string | string[] }[] };
    return (notebook.cells ?? [])
      .filter((cell) => cell.cell_type === "markdown")
      .map((cell) => (Array.isArray(cell.source) ? cell.source.join("") : (cell.source ?? "")))
      .join("\n\n");
  } catch {
    return undefined;
  }
}

/**
 * "grader/README.md links to ../instructor/README.md, which the release does not hold" for every
 * relative link in the release's Markdown (its .md files and its notebooks' Markdown cells) whose
 * target is not in the release, or lies outside it. Links with a scheme (https:, mailto:) and to
 * an anchor of the same file are not checked; code (fenced blocks and `spans`) holds no links.
 */
export function brokenLinks(releaseDir: string, files: readonly string[]): string[] {
  const problems: string[] = [];
  for (const file of files) {
    const markdown = markdownOf(file, readFileSync(join(releaseDir, file), "utf8"));
    if (markdown === undefined) continue;
    const prose = markdown.replace(/^(\s*)(```+|~~~+)[^\n]*\n[\s\S]*?^\1\2[^\n]*$/gm, "").replace(/(`+)[^`]*?\1/g, "");
    for (const match of prose.matchAll(LINK)) {
      const target = match[1] ?? match[2] ?? match[3];
      if (/^([a-z][a-z0-9+.-]*:|#|\/\/)/i.test(target)) continue;
      let path = target.replace(/[?#].*$/, "");
      try {
        path = decodeURIComponent(path);
      } catch {
        // a malformed escape is checked as written
      }
      const resolved = path.startsWith("/") ? posix.normalize(path.slice(1)) : posix.normalize(posix.join(posix.dirname(file), path));
      if (resolved === ".." || resolved.startsWith("../")) {
        problems.push(`${file} links to ${target}, outside the release`);
      } else if (!existsSync(join(releaseDir, resolved))) {
        problems.push(`${file} links to ${target}, which the release does not hold`);
      }
    }
  }
  return problems;
}

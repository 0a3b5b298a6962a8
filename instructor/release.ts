/**
 * Builds the student version of the workbook:
 *   npm run release -- --out DIR [--clear-outputs] [--github-actions] [--classroom]
 *
 * From the project's own files (see project-files.ts) it leaves out everything that gives
 * answers away or only serves instructors (release-rules.ts), drops notebook cells tagged
 * `instructor-only`, clears notebook outputs when asked, writes a student README, ships the
 * grader's guide for students (grader/README.student.md) as grader/README.md, and with
 * --github-actions adds the grading workflow. It then checks its own result: nothing kept may
 * import a left-out file, no npm script may run a file the release lacks, no Markdown may link to
 * a file the release lacks, no kept file may contain the hidden-seed secret, and no file may
 * still hold a TODO(instructor) left by `npm run new-exercise`. The release is built in a scratch folder beside --out and moved into
 * place only when every check passed, so a refused release leaves nothing behind.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { HelpRequested, isMain, runCommand } from "./cli";
import { findGraderSecret } from "./grader-secret";
import { buildInto, checkOutFolder } from "./out-folder";
import { projectFiles } from "./project-files";
import { brokenImports, brokenLinks, brokenScripts, isReleased, mustBeFinished, RELEASE_REPLACEMENTS, releasePackageJson, UNFINISHED_MARKER } from "./release-rules";
import { releaseNotebook } from "./release-notebooks";
import { studentReadme } from "./release-readme";

const ROOT = resolve(fileURLToPath(new URL(".", import.meta.url)), "..");
/** Workflow templates the release can add, by option: where they come from and where they go. */
const WORKFLOWS = {
  githubActions: { from: "grader/platforms/github-actions/replication-lab.yml", to: ".github/workflows/replication-lab.yml" },
  classroom: { from: "grader/platforms/classroom/classroom.yml", to: ".github/workflows/classroom.yml" },
} as const;

export interface ReleaseOptions {
  root?: string;
  out: string;
  clearOutputs?: boolean;
  /** Add the GitHub Actions grading workflow (.github/workflows/replication-lab.yml). */
  githubActions?: boolean;
  /** Add the deprecated GitHub Classroom workflow (.github/workflows/classroom.yml). */
  classroom?: boolean;
  env?: NodeJS.ProcessEnv;
}

export interface ReleaseResult {
  out: string;
  files: string[];
  left: string[];
}

export function buildRelease(options: ReleaseOptions): ReleaseResult {
  const root = resolve(options.root ?? ROOT);
  const out = checkOutFolder(root, options.out);
  const all = projectFiles(root);
  const files = all.filter(isReleased);
  const left = all.filter((file) => !isReleased(file));

  const broken = brokenImports(root, files);
  if (broken.length > 0) {
    throw new Error(`the release would be broken: kept files import left-out ones:\n${broken.map((b) => `  ${b}`).join("\n")}`);
  }
  const written = buildInto(out, (stage) => {
    const list = writeRelease(root, stage, files, options);
    checkRelease(root, stage, list, options.env ?? process.env);
    return list;
  });
  return { out, files: written.sort(), left };
}

function writeRelease(root: string, stage: string, files: readonly string[], options: ReleaseOptions): string[] {
  const written: string[] = [];
  const put = (file: string, text: string | Buffer): void => {
    mkdirSync(dirname(join(stage, file)), { recursive: true });
    writeFileSync(join(stage, file), text);
    written.push(file);
  };
  for (const file of files) {
    const source = join(root, file);
    const replacement = RELEASE_REPLACEMENTS[file];
    if (replacement !== undefined) {
      // Never the instructor's version in its place: no student version, no release.
      if (!existsSync(join(root, replacement))) throw new Error(`${file} is for instructors and ${replacement}, the students' version shipped in its place, is missing`);
      put(file, readFileSync(join(root, replacement)));
    } else if (file === "package.json") put(file, releasePackageJson(readFileSync(source, "utf8")));
    else if (file === "README.md") continue; // replaced by the student README below
    else if (file.endsWith(".ipynb")) put(file, releaseNotebook(readFileSync(source, "utf8"), { clearOutputs: options.clearOutputs === true }));
    else {
      mkdirSync(dirname(join(stage, file)), { recursive: true });
      copyFileSync(source, join(stage, file));
      written.push(file);
    }
  }
  for (const [option, workflow] of Object.entries(WORKFLOWS)) {
    if (options[option as keyof typeof WORKFLOWS]) put(workflow.to, readFileSync(join(root, workflow.from)));
  }
  put("README.md", studentReadme(stage));
  return written;
}

/** Throws with every reason the written release must not ship. */
function checkRelease(root: string, stage: string, written: readonly string[], env: NodeJS.ProcessEnv): void {
  const problems: string[] = [];
  const unfinished = written.filter((file) => mustBeFinished(file) && readFileSync(join(stage, file)).includes(UNFINISHED_MARKER));
  if (unfinished.length > 0) problems.push(`unfinished files (they still say ${UNFINISHED_MARKER}): ${unfinished.join(", ")}`);
  const secret = findGraderSecret(root, env);
  if (secret) {
    const leaks = written.filter((file) => readFileSync(join(stage, file)).includes(secret));
    if (leaks.length > 0) problems.push(`the hidden-seed secret appears in released files: ${leaks.join(", ")}`);
  }
  const scripts = written.includes("package.json") ? brokenScripts(stage) : [];
  if (scripts.length > 0) problems.push(`npm scripts would fail in the release:\n${scripts.map((s) => `  ${s}`).join("\n")}`);
  const links = brokenLinks(stage, written);
  if (links.length > 0) problems.push(`links in the released Markdown lead nowhere:\n${links.map((l) => `  ${l}`).join("\n")}`);
  if (problems.length > 0) throw new Error(`${problems.join("\n")}\nNothing was written.`);
}

const USAGE = "usage: npm run release -- --out DIR [--clear-outputs] [--github-actions] [--classroom]";

export function parseReleaseArgs(argv: readonly string[]): ReleaseOptions {
  const options: Partial<ReleaseOptions> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--out") {
      const value = argv[++i];
      if (value === undefined || value.startsWith("--")) throw new Error(`--out needs a folder\n${USAGE}`);
      options.out = value;
    } else if (arg === "--clear-outputs") options.clearOutputs = true;
    else if (arg === "--github-actions") options.githubActions = true;
    else if (arg === "--classroom") options.classroom = true;
    else if (arg === "-h" || arg === "--help") throw new HelpRequested(USAGE);
    else throw new Error(`unknown option ${JSON.stringify(arg)}\n${USAGE}`);
  }
  if (!options.out) throw new Error(`--out DIR is required\n${USAGE}`);
  return options as ReleaseOptions;
}

if (isMain(import.meta.url)) {
  process.exitCode = await runCommand("release", () => {
    const options = parseReleaseArgs(process.argv.slice(2));
    if (options.classroom) {
      process.stderr.write(
        "release: --classroom is deprecated: GitHub Classroom was discontinued on 2026-08-28. Use --github-actions " +
          "(see instructor/README.md); classroom.yml is added only for tools that still read the Classroom reporter.\n",
      );
    }
    const result = buildRelease(options);
    process.stdout.write(
      `Wrote the student release to ${result.out}: ${result.files.length} files ` +
        `(${result.left.length} left out: solutions, variants, instructor tools and their guide).\n` +
        `Try it: cd ${result.out} && npm start\n`,
    );
  });
}

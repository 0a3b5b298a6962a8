/**
 * Builds the student version of the workbook:
 *   npm run release -- --out DIR [--clear-outputs] [--classroom]
 *
 * From the project's own files (see project-files.ts) it leaves out everything that gives
 * answers away or only serves instructors (release-rules.ts), drops notebook cells tagged
 * `instructor-only`, clears notebook outputs when asked, writes a student README, and with
 * --classroom adds the GitHub Classroom workflow. It then checks its own result: nothing kept
 * may import a left-out file, no kept file may contain the hidden-seed secret, and no exercise
 * may still hold a TODO(instructor) left by `npm run new-exercise`.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { findGraderSecret } from "./grader-secret";
import { projectFiles } from "./project-files";
import { brokenImports, isReleased, releasePackageJson, UNFINISHED_MARKER } from "./release-rules";
import { releaseNotebook } from "./release-notebooks";
import { studentReadme } from "./release-readme";

const ROOT = resolve(fileURLToPath(new URL(".", import.meta.url)), "..");
const CLASSROOM_TEMPLATE = "grader/platforms/classroom/classroom.yml";

export interface ReleaseOptions {
  root?: string;
  out: string;
  clearOutputs?: boolean;
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
  const out = resolve(options.out);
  if (out === root || !relative(root, out).startsWith("..")) {
    throw new Error(`--out must be outside the project (${root}), got ${out}`);
  }
  if (existsSync(out) && (!statSync(out).isDirectory() || readdirSync(out).length > 0)) {
    throw new Error(`--out ${out} already exists and is not an empty folder; choose a new one`);
  }
  const all = projectFiles(root);
  const files = all.filter(isReleased);
  const left = all.filter((file) => !isReleased(file));

  const broken = brokenImports(root, files);
  if (broken.length > 0) {
    throw new Error(`the release would be broken: kept files import left-out ones:\n${broken.map((b) => `  ${b}`).join("\n")}`);
  }

  mkdirSync(out, { recursive: true });
  const written: string[] = [];
  const put = (file: string, text: string | Buffer): void => {
    mkdirSync(dirname(join(out, file)), { recursive: true });
    writeFileSync(join(out, file), text);
    written.push(file);
  };
  for (const file of files) {
    const source = join(root, file);
    if (file === "package.json") put(file, releasePackageJson(readFileSync(source, "utf8")));
    else if (file === "README.md") continue; // replaced by the student README below
    else if (file.endsWith(".ipynb")) put(file, releaseNotebook(readFileSync(source, "utf8"), { clearOutputs: options.clearOutputs === true }));
    else {
      mkdirSync(dirname(join(out, file)), { recursive: true });
      copyFileSync(source, join(out, file));
      written.push(file);
    }
  }
  put("README.md", studentReadme(out));
  if (options.classroom) put(".github/workflows/classroom.yml", readFileSync(join(root, CLASSROOM_TEMPLATE)));

  const unfinished = written.filter((file) => readFileSync(join(out, file)).includes(UNFINISHED_MARKER));
  if (unfinished.length > 0) {
    throw new Error(`unfinished exercise files (they still say ${UNFINISHED_MARKER}): ${unfinished.join(", ")}`);
  }
  const secret = findGraderSecret(root, options.env ?? process.env);
  if (secret) {
    const leaks = written.filter((file) => readFileSync(join(out, file)).includes(secret));
    if (leaks.length > 0) throw new Error(`the hidden-seed secret appears in released files: ${leaks.join(", ")}`);
  }
  return { out, files: written.sort(), left };
}


const USAGE = "usage: npm run release -- --out DIR [--clear-outputs] [--classroom]";

export function parseReleaseArgs(argv: readonly string[]): ReleaseOptions {
  const options: Partial<ReleaseOptions> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--out") {
      const value = argv[++i];
      if (value === undefined || value.startsWith("--")) throw new Error(`--out needs a folder\n${USAGE}`);
      options.out = value;
    } else if (arg === "--clear-outputs") options.clearOutputs = true;
    else if (arg === "--classroom") options.classroom = true;
    else throw new Error(`unknown option ${JSON.stringify(arg)}\n${USAGE}`);
  }
  if (!options.out) throw new Error(`--out DIR is required\n${USAGE}`);
  return options as ReleaseOptions;
}

function main(argv: string[]): number {
  try {
    const result = buildRelease(parseReleaseArgs(argv));
    process.stdout.write(
      `Wrote the student release to ${result.out}: ${result.files.length} files ` +
        `(${result.left.length} left out: solutions, variants, instructor tools and docs).\n` +
        `Try it: cd ${result.out} && npm start\n`,
    );
    return 0;
  } catch (error) {
    process.stderr.write(`release: ${(error as Error).message}\n`);
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exit(main(process.argv.slice(2)));
}

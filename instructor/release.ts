/**
 * Builds the student version of the workbook:
 *   npm run release -- --out DIR [--clear-outputs] [--github-actions] [--classroom] [--working-tree]
 *
 * It ships only what git tracks, as the last commit has it: it refuses when a file it would ship
 * has uncommitted changes (an instructor's work in progress, an exercise tried out), unless
 * --working-tree says to ship the files as they are on disk; files git does not track (notes,
 * drawings, scratch notebooks) never ship. Outside a git checkout it cannot tell the project's
 * files from scratch files, and refuses unless --working-tree says to ship every file in the
 * folder. From those files it leaves out everything that gives
 * answers away or only serves instructors (release-rules.ts), drops notebook cells tagged
 * `instructor-only`, clears notebook outputs when asked, writes a student README, ships the
 * grader's guide for students (grader/README.student.md) as grader/README.md, and with
 * --github-actions adds the grading workflow. It then checks its own result: nothing kept may
 * import a left-out file, no npm script may run a file the release lacks, no Markdown may link to
 * a file the release lacks, no kept file may contain the hidden-seed secret, no file may
 * still hold a TODO(instructor) left by `npm run new-exercise`, every exercises/NN-name.ts must
 * still be a stub that throws its NotImplementedError (exercise-stubs.ts), every exercise's
 * meta.json must pass validation's check of it, and the notebooks' committed outputs of
 * check("NN") must state the exercise's public tests and points as they are now (both
 * ../grader/static-checks.ts, which `npm run grade -- --validate` runs too), and no notebook cell
 * may call check("NN"), hint("NN")... for an exercise the release lacks. The release is built
 * in a scratch folder beside --out and moved into place only when every check passed, so a
 * refused release leaves nothing behind.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { loadExercises } from "../grader/engine/exercises";
import { checkOutputs, metaProblems, staleOutputLine } from "../grader/static-checks";
import { HelpRequested, isMain, runCommand } from "./cli";
import { isExerciseStub, stubProblems } from "./exercise-stubs";
import { findGraderSecret } from "./grader-secret";
import { buildInto, checkOutFolder } from "./out-folder";
import { gitFiles, walkedFiles } from "./project-files";
import { brokenImports, brokenLinks, brokenScripts, feedsRelease, isReleased, mustBeFinished, RELEASE_REPLACEMENTS, releasePackageJson, UNFINISHED_MARKER } from "./release-rules";
import { exerciseCalls, isInstructorCell, releaseNotebook } from "./release-notebooks";
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
  /**
   * Ship the files as they are on disk: tracked files with uncommitted changes as changed, and,
   * outside a git checkout, every file in the folder. Files git does not track never ship.
   */
  workingTree?: boolean;
  env?: NodeJS.ProcessEnv;
}

export interface ReleaseResult {
  out: string;
  files: string[];
  /** Project files the rules leave out (solutions, instructor tools...). */
  left: string[];
  /** Files on disk that git does not track, and so were not shipped. */
  untracked: string[];
  /** Shipped files whose uncommitted changes were shipped (only with workingTree). */
  uncommitted: string[];
  /** False when the project is not a git checkout (and workingTree shipped the whole folder). */
  git: boolean;
}

const FIX_UNCOMMITTED =
  "The release ships what git has committed. Commit these changes (git add … && git commit), or set them aside " +
  "(git stash, or git restore FILE to drop them) and run the release again; --working-tree ships the files as they are on disk.";

/** The files the release is built from, or an error saying why it must not be built from them. */
function sourceFiles(root: string, workingTree: boolean): { all: string[]; untracked: string[]; uncommitted: string[]; git: boolean } {
  const git = gitFiles(root);
  if (git === null) {
    if (!workingTree) {
      throw new Error(
        `${root} is not a git checkout, so the release cannot tell the project's files from scratch files (notes, drafts, ` +
          "exercises answered while trying them). Build it from a git clone of the course repository, or pass --working-tree " +
          "to ship every file in the folder as it is (except node_modules, dist and other generated files).\nNothing was written.",
      );
    }
    return { all: walkedFiles(root), untracked: [], uncommitted: [], git: false };
  }
  if (git.tracked.length === 0) throw new Error(`git tracks no file in ${root}: add and commit the project first.\nNothing was written.`);
  const changed = git.uncommitted.filter((c) => feedsRelease(c.file));
  if (changed.length > 0 && !workingTree) {
    throw new Error(
      `uncommitted changes in files the release would ship:\n${changed.map((c) => `  ${c.file} (${c.change})`).join("\n")}\n` +
        `${FIX_UNCOMMITTED}\nNothing was written.`,
    );
  }
  return { all: git.tracked, untracked: git.untracked, uncommitted: changed.map((c) => c.file), git: true };
}

export function buildRelease(options: ReleaseOptions): ReleaseResult {
  const root = resolve(options.root ?? ROOT);
  const out = checkOutFolder(root, options.out);
  const sources = sourceFiles(root, options.workingTree === true);
  const files = sources.all.filter(isReleased);
  const left = sources.all.filter((file) => !isReleased(file));

  const broken = brokenImports(root, files, sources.git ? "git does not track it: git add and commit it" : "not in the release");
  if (broken.length > 0) {
    throw new Error(`the release would be broken: kept files import files it does not hold:\n${broken.map((b) => `  ${b}`).join("\n")}`);
  }
  const written = buildInto(out, (stage) => {
    const list = writeRelease(root, stage, files, new Set(sources.all), options);
    checkRelease(root, stage, list, options, sources.untracked);
    return list;
  });
  return { out, files: written.sort(), left, untracked: sources.untracked, uncommitted: sources.uncommitted, git: sources.git };
}

function writeRelease(root: string, stage: string, files: readonly string[], sources: ReadonlySet<string>, options: ReleaseOptions): string[] {
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
      if (!sources.has(replacement)) {
        const why = existsSync(join(root, replacement)) ? "is not tracked by git (git add and commit it)" : "is missing";
        throw new Error(`${file} is for instructors and ${replacement}, the students' version shipped in its place, ${why}`);
      }
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
function checkRelease(root: string, stage: string, written: readonly string[], options: ReleaseOptions, untracked: readonly string[]): void {
  const problems: string[] = [];
  const unfinished = written.filter((file) => mustBeFinished(file) && readFileSync(join(stage, file)).includes(UNFINISHED_MARKER));
  if (unfinished.length > 0) problems.push(`unfinished files (they still say ${UNFINISHED_MARKER}): ${unfinished.join(", ")}`);
  const answered = written.filter(isExerciseStub).flatMap((file) => stubProblems(file, readFileSync(join(stage, file), "utf8")));
  if (answered.length > 0) {
    problems.push(
      `exercise files that are not the students' stubs (an answer, or an answer begun):\n${answered.map((a) => `  ${a}`).join("\n")}\n` +
        "Put the stub back (answers belong in solutions/; `git log -p -- FILE` shows the stub as it was committed), or, for a " +
        "function students get with code in it on purpose, tag its doc comment @starter (instructor/README.md, Releasing the student version)",
    );
  }
  const secret = findGraderSecret(root, options.env ?? process.env);
  if (secret) {
    const leaks = written.filter((file) => readFileSync(join(stage, file)).includes(secret));
    if (leaks.length > 0) problems.push(`the hidden-seed secret appears in released files: ${leaks.join(", ")}`);
  }
  const scripts = written.includes("package.json") ? brokenScripts(stage) : [];
  if (scripts.length > 0) problems.push(`npm scripts would fail in the release:\n${scripts.map((s) => `  ${s}`).join("\n")}`);
  const links = brokenLinks(stage, written);
  if (links.length > 0) problems.push(`links in the released Markdown lead nowhere:\n${links.map((l) => `  ${l}`).join("\n")}`);
  // The exercises as they ship: their graded tests and metadata in the release.
  const exercises = existsSync(join(stage, "grader/exercises")) ? loadExercises(stage) : [];
  const meta = exercises.flatMap((e) => metaProblems(stage, e));
  if (meta.length > 0) {
    problems.push(`exercise metadata that \`npm run grade -- --validate\` fails (hint() and the students' README read it):\n${meta.map((m) => `  ${m}`).join("\n")}`);
  }
  const missing = callsOfMissingExercises(root, written, new Set(exercises.map((e) => e.id)), untracked);
  if (missing.length > 0) {
    problems.push(
      `notebook cells that call an exercise the release does not hold (check() and hint() would fail for students):\n${missing.map((m) => `  ${m}`).join("\n")}\n` +
        "Commit the exercise's files (git add exercises/NN-name.ts solutions/NN-name.ts grader/exercises/NN-name.* grader/variants/NN-name " +
          "&& git commit), or remove those cells " +
        "(or tag them instructor-only)",
    );
  }
  if (!options.clearOutputs) {
    // Read from the project's notebooks, so that the cell numbers are the instructor's; the cells the release drops do not count.
    const notebooks = written.filter((file) => file.endsWith(".ipynb"));
    const stale = checkOutputs(root, notebooks, exercises, isInstructorCell).stale;
    if (stale.length > 0) {
      problems.push(
        `notebook outputs of check() that state an exercise's public tests or points as they no longer are:\n${stale.map((s) => `  ${staleOutputLine(s)}`).join("\n")}\n` +
          "(or release with --clear-outputs, which ships the notebooks without outputs)",
      );
    }
  }
  if (problems.length > 0) throw new Error(`${problems.join("\n")}\nNothing was written.`);
}

/**
 * One line per notebook call of a workbook helper (check("09"), hint("09")...) whose exercise the
 * release lacks, saying which files git does not track when that is why. Read from the project's
 * notebooks, so that the cell numbers are the instructor's; the cells the release drops do not count.
 */
function callsOfMissingExercises(root: string, written: readonly string[], shipped: ReadonlySet<string>, untracked: readonly string[]): string[] {
  return written
    .filter((file) => file.endsWith(".ipynb"))
    .flatMap((notebook) =>
      exerciseCalls(readFileSync(join(root, notebook), "utf8"), isInstructorCell)
        .filter((c) => !shipped.has(c.id))
        .map((c) => {
          const files = untracked.filter((file) => file.startsWith(`exercises/${c.id}-`) || file.startsWith(`grader/exercises/${c.id}-`));
          const why = files.length > 0 ? `git does not track ${files.join(", ")}` : `there is no grader/exercises/${c.id}-*.test.ts`;
          const call = c.call.length > 60 ? `${c.call.slice(0, 57)}...` : c.call;
          return `${notebook}, cell ${c.cell} (${call}): exercise ${c.id} is not in the release (${why})`;
        }),
    );
}

const USAGE = "usage: npm run release -- --out DIR [--clear-outputs] [--github-actions] [--classroom] [--working-tree]";

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
    else if (arg === "--working-tree") options.workingTree = true;
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
    if (!result.git) {
      process.stderr.write(`release: not a git checkout: --working-tree shipped every file in the folder (${result.files.length}); check the list in ${result.out}\n`);
    }
    if (result.uncommitted.length > 0) {
      process.stderr.write(`release: --working-tree shipped uncommitted changes in: ${result.uncommitted.join(", ")}\n`);
    }
    // Files the rules leave out anyway (a solution, a variant) would not ship even if tracked: not worth a word.
    const untracked = result.untracked.filter(isReleased);
    if (untracked.length > 0) {
      const shown = untracked.slice(0, 10).join(", ") + (untracked.length > 10 ? `, … (${untracked.length - 10} more)` : "");
      process.stdout.write(`Not shipped, because git does not track them: ${shown}\n`);
    }
    process.stdout.write(
      `Wrote the student release to ${result.out}: ${result.files.length} files ` +
        `(${result.left.length} left out: solutions, variants, instructor tools and their guide).\n` +
        `Try it: cd ${result.out} && npm start\n`,
    );
  });
}

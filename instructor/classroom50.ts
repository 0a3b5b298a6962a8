/**
 * Builds the Classroom 50 autograder of an assignment:
 *   npm run classroom50 -- --out DIR [--only 05,06]
 *
 * Classroom 50 grades with a per-assignment autograder.py and the files beside it, kept in the
 * classroom50 configuration repository under CLASSROOM/autograders/ASSIGNMENT/ and fetched from
 * GitHub Pages at every submission. DIR holds what goes there:
 *   autograder.py     grader/platforms/classroom50/autograder.py (its contract: result.json)
 *   app/              a pristine grader copy: library, grader, exercise stubs, lockfile
 *   only.txt          the exercises to grade, when --only is given
 *   README.md         the steps
 * No hidden-seed secret: whatever is published on Pages can be fetched without signing in, so
 * hidden cases run on new random seeds at every submission (the grade of record: batch grading
 * with the secret). Solutions and known-wrong variants are never packed.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { loadExercises, parseOnly, selectExercises } from "../grader/engine/exercises";
import { HelpRequested, isMain, runCommand } from "./cli";
import { appFiles, packedMode, versionNote } from "./grading-package";
import { buildInto, checkOutFolder } from "./out-folder";

const ROOT = resolve(fileURLToPath(new URL(".", import.meta.url)), "..");

export interface Classroom50Options {
  root?: string;
  out: string;
  /** Exercise ids to grade ("05"); all when absent. */
  only?: string[];
}

export interface Classroom50Package {
  out: string;
  exercises: string[];
  files: number;
}

function readme(exercises: string[]): string {
  return `# Replication Lab for Classroom 50

Built by \`npm run classroom50\`. Grades ${exercises.join(", ")}.

1. Copy everything in this folder into your \`classroom50\` repository as
   \`CLASSROOM/autograders/ASSIGNMENT/\` (the assignment's own autograder), and push.
2. Give the assignment the runtime \`{"node": "26"}\` (web: Advanced settings; CLI:
   \`gh teacher assignment add ... --runtime FILE\`).
3. Submit the reference solutions from a test repository: every test passes.

On each submission Classroom 50 runs \`autograder.py\` in the student's checkout; it installs the
grader's npm packages from the lockfile, grades only \`exercises/NN-name.ts\` files with the copy in
\`app/\`, and writes \`result.json\`. Classroom 50 counts whole points: each test's \`score\` is its
points rounded to the nearest whole number, and its exact \`points\` and the grader's \`message\`
are kept beside it.

Classroom 50 publishes autograders on GitHub Pages, which anyone can fetch: this package holds no
hidden-seed secret, so hidden cases run on new random seeds at every submission (a hard-coded
answer still fails them; a partly right one may score differently from run to run). Grade for the
record with the secret: clone the repositories and run \`npm run grade -- --batch\`.
`;
}

export function buildClassroom50Package(options: Classroom50Options): Classroom50Package {
  const root = resolve(options.root ?? ROOT);
  const out = checkOutFolder(root, options.out);
  // Any name --only takes elsewhere ("5", "leader-election"); only.txt holds the ids.
  const exercises = selectExercises(loadExercises(root), options.only ?? []).map((e) => e.id);
  return buildInto(out, (stage) => {
    const put = (file: string, text: string | Buffer, mode = 0o644): void => {
      mkdirSync(dirname(join(stage, file)), { recursive: true });
      writeFileSync(join(stage, file), text, { mode });
    };
    put("autograder.py", readFileSync(join(root, "grader/platforms/classroom50/autograder.py")), 0o755);
    const files = appFiles(root);
    for (const file of files) put(`app/${file}`, readFileSync(join(root, file)), packedMode(root, file));
    if (options.only) put("only.txt", `${exercises.join(",")}\n`);
    put("replication-lab-version.txt", `${versionNote("Classroom 50 autograder", root, false, files.length)}\n`);
    put("README.md", readme(exercises));
    return { out, exercises, files: files.length };
  });
}

const USAGE = `usage: npm run classroom50 -- --out DIR [--only 05,06]
  --out DIR      a new folder: copy its contents to CLASSROOM/autograders/ASSIGNMENT/ in the classroom50 repository
  --only IDS     grade only these exercises (default: all)`;

export function parseClassroom50Args(argv: readonly string[]): Classroom50Options {
  const options: Partial<Classroom50Options> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "-h" || arg === "--help") throw new HelpRequested(USAGE);
    if (arg !== "--out" && arg !== "--only") throw new Error(`unknown option ${JSON.stringify(arg)}\n${USAGE}`);
    const value = argv[++i];
    if (value === undefined || value.startsWith("--")) throw new Error(`${arg} needs a value\n${USAGE}`);
    if (arg === "--out") options.out = value;
    else options.only = parseOnly(value);
  }
  if (!options.out) throw new Error(`--out DIR is required\n${USAGE}`);
  return options as Classroom50Options;
}

if (isMain(import.meta.url)) {
  process.exitCode = await runCommand("classroom50", () => {
    const built = buildClassroom50Package(parseClassroom50Args(process.argv.slice(2)));
    process.stdout.write(`Wrote ${built.out}: autograder.py and a grader copy (${built.files} files) grading ${built.exercises.join(", ")}.\nNext: ${join(built.out, "README.md")}\n`);
  });
}

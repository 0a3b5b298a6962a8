/**
 * Scaffolds a new exercise, or poses an existing one in a notebook:
 *   npm run new-exercise -- NN-name [--kind function|router] [--notebook notebooks/NN-topic.ipynb]
 *   npm run new-exercise -- --cells NN [--notebook notebooks/NN-topic.ipynb]
 *
 * The first writes the stub (exercises/), the reference solution (solutions/), the graded tests
 * and the metadata with hints (grader/exercises/), two known-wrong variants
 * (grader/variants/NN-name/), and the notebook cells that pose it (appended to --notebook, and
 * printed). `--kind router` makes it a read-router exercise like 01 and 08 (students write
 * `routeRead(ctx)`, the tests judge simulated runs); the default is a pure function. Nothing
 * existing is overwritten. `npm run grade -- --validate --only NN` passes once every
 * TODO(instructor) is done.
 *
 * The second appends the cells that pose exercise NN (its title, the function students write and
 * a `check("NN")` cell) to a notebook, for an exercise created without --notebook or moved to
 * another notebook, and records that notebook in the exercise's meta.json.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { HelpRequested, isMain, runCommand } from "./cli";
import {
  TODO,
  metaFile,
  namesOf,
  notebookCells,
  solutionFile,
  stubFile,
  testFile,
  variantFile,
  type ExerciseNames,
  type NotebookCell,
} from "./new-exercise-templates";
import { ROUTER_FN, routerSolutionFile, routerStubFile, routerTestFile, routerVariantFile } from "./new-exercise-router-templates";
import { notebookText } from "./release-notebooks";

const ROOT = resolve(fileURLToPath(new URL(".", import.meta.url)), "..");
const NAME = /^\d{2}-[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

export const USAGE = `usage: npm run new-exercise -- NN-name [--kind function|router] [--notebook notebooks/NN-topic.ipynb]
       npm run new-exercise -- --cells NN [--notebook notebooks/NN-topic.ipynb]

  NN-name            scaffold a new exercise: stub, solution, graded tests, meta.json with hints, two
                     known-wrong variants, and the notebook cells that pose it; every place to fill in
                     says ${TODO}
  --kind KIND        what students write: function (the default), a pure function judged on inputs;
                     or router, a read router routeRead(ctx) judged on simulated runs, like exercises
                     01 and 08 (its solution and tests share a placeholder rule to replace)
  --cells NN         pose an existing exercise in a notebook: append its cells (title, what to write,
                     a check("NN") cell) and record the notebook in its meta.json
  --notebook PATH    the notebook to append the cells to (relative to the project); without it the
                     cells are printed
  -h, --help         this text

Then: npm run grade -- --validate --only NN`;

/** What students write: a pure function judged on inputs, or a read router judged on simulated runs. */
export type ExerciseKind = "function" | "router";

interface KindTemplates {
  /** The exported function students write. */
  fn(names: ExerciseNames): string;
  stub(names: ExerciseNames): string;
  solution(names: ExerciseNames): string;
  test(names: ExerciseNames): string;
  variant(names: ExerciseNames, mistake: string): string;
  /** The two mistakes the variants' comments suggest. */
  mistakes: [string, string];
}

const KINDS: Record<ExerciseKind, KindTemplates> = {
  function: {
    fn: (n) => n.fn,
    stub: stubFile,
    solution: solutionFile,
    test: testFile,
    variant: variantFile,
    mistakes: ["for example, an off-by-one or a rule left out", "for example, a rule applied in the wrong order"],
  },
  router: {
    fn: () => ROUTER_FN,
    stub: routerStubFile,
    solution: routerSolutionFile,
    test: routerTestFile,
    variant: routerVariantFile,
    mistakes: ["for example, a follower chosen without the check the guarantee needs", "for example, the check made against the wrong position"],
  },
};

export interface ScaffoldOptions {
  root?: string;
  name: string;
  /** What students write; "function" unless given. */
  kind?: ExerciseKind;
  /** A notebook (relative to the root) to append the exercise's cells to. */
  notebook?: string;
}

export interface Scaffold {
  kind: ExerciseKind;
  names: ExerciseNames;
  files: string[];
  cells: NotebookCell[];
}

/** Files of any kind already using the id NN, in the folders an exercise lives in. */
function filesUsingId(root: string, id: string): string[] {
  const found: string[] = [];
  for (const dir of ["exercises", "solutions", "grader/exercises", "grader/variants"]) {
    if (!existsSync(join(root, dir))) continue;
    for (const entry of readdirSync(join(root, dir))) if (entry.startsWith(`${id}-`)) found.push(`${dir}/${entry}`);
  }
  return found;
}

function checkNotebookPath(root: string, notebook: string | undefined): void {
  if (notebook !== undefined && !existsSync(join(root, notebook))) {
    throw new Error(`--notebook ${notebook}: no such notebook (give a path relative to the project, e.g. notebooks/03-replication-lag.ipynb)`);
  }
}

/** Appends cells to a notebook, refusing one that already checks exercise `id`. */
function appendCells(root: string, notebook: string, id: string, cells: NotebookCell[]): void {
  const path = join(root, notebook);
  const data = JSON.parse(readFileSync(path, "utf8")) as { cells: { source?: string | string[] }[] };
  const poses = data.cells.some((cell) => {
    const source = Array.isArray(cell.source) ? cell.source.join("") : (cell.source ?? "");
    return source.includes(`check("${id}")`);
  });
  if (poses) throw new Error(`${notebook} already poses exercise ${id} (a cell calls check("${id}")); nothing was changed`);
  data.cells.push(...cells);
  writeFileSync(path, notebookText(data));
}

export function scaffoldExercise(options: ScaffoldOptions): Scaffold {
  const root = resolve(options.root ?? ROOT);
  if (!NAME.test(options.name)) {
    throw new Error(
      `exercise name ${JSON.stringify(options.name)} is not NN-name: two digits, a dash, then lower-case words joined by dashes (e.g. 09-quorum-reads)`,
    );
  }
  const kind = KINDS[options.kind ?? "function"];
  const base = namesOf(options.name);
  const names = { ...base, fn: kind.fn(base) };
  const taken = filesUsingId(root, names.id);
  if (taken.length > 0) throw new Error(`exercise number ${names.id} is taken: ${taken.join(", ")}; choose another NN`);
  checkNotebookPath(root, options.notebook);

  const files: Record<string, string> = {
    [`exercises/${names.name}.ts`]: kind.stub(names),
    [`solutions/${names.name}.ts`]: kind.solution(names),
    [`grader/exercises/${names.name}.test.ts`]: kind.test(names),
    [`grader/exercises/${names.name}.meta.json`]: metaFile(names, options.notebook),
    [`grader/variants/${names.name}/first-mistake.ts`]: kind.variant(names, kind.mistakes[0]),
    [`grader/variants/${names.name}/second-mistake.ts`]: kind.variant(names, kind.mistakes[1]),
  };
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text, { flag: "wx" });
  }
  const cells = notebookCells(names);
  if (options.notebook !== undefined) appendCells(root, options.notebook, names.id, cells);
  return { kind: options.kind ?? "function", names, files: Object.keys(files), cells };
}

export interface CellsOptions {
  root?: string;
  /** "05" or "05-leader-election". */
  exercise: string;
  notebook?: string;
}

export interface PosedExercise {
  names: ExerciseNames;
  cells: NotebookCell[];
  /** The meta.json whose "notebook" now names --notebook, when it changed. */
  metaUpdated?: string;
}

/** The cells that pose an existing exercise; appended to `notebook` when given. */
export function poseExercise(options: CellsOptions): PosedExercise {
  const root = resolve(options.root ?? ROOT);
  const id = options.exercise.slice(0, 2);
  const stubs = existsSync(join(root, "exercises")) ? readdirSync(join(root, "exercises")) : [];
  const stub = stubs.find((f) => f.startsWith(`${id}-`) && f.endsWith(".ts") && (options.exercise.length === 2 || f === `${options.exercise}.ts`));
  if (!/^\d{2}/.test(options.exercise) || !stub) {
    const known = stubs.filter((f) => /^\d{2}-.*\.ts$/.test(f)).map((f) => f.slice(0, -3));
    throw new Error(`--cells ${options.exercise}: no such exercise in exercises/ (there are: ${known.join(", ") || "none"})`);
  }
  checkNotebookPath(root, options.notebook);
  const names = namesOf(stub.slice(0, -3));
  const fn = /export\s+(?:async\s+)?function\s+(\w+)/.exec(readFileSync(join(root, "exercises", stub), "utf8"))?.[1];
  const metaPath = join(root, "grader", "exercises", `${names.name}.meta.json`);
  const meta = existsSync(metaPath) ? (JSON.parse(readFileSync(metaPath, "utf8")) as { title?: unknown; notebook?: unknown }) : undefined;
  const title = typeof meta?.title === "string" && !meta.title.includes(TODO) ? meta.title : undefined;
  const cells = notebookCells(names, { title, fn });
  let metaUpdated: string | undefined;
  if (options.notebook !== undefined) {
    appendCells(root, options.notebook, names.id, cells);
    if (meta && meta.notebook !== options.notebook) {
      meta.notebook = options.notebook;
      writeFileSync(metaPath, `${JSON.stringify(meta, null, 2)}\n`);
      metaUpdated = `grader/exercises/${names.name}.meta.json`;
    }
  }
  return { names, cells, metaUpdated };
}

export type NewExerciseArgs = { kind: "scaffold"; options: ScaffoldOptions } | { kind: "cells"; options: CellsOptions };

export function parseNewExerciseArgs(argv: readonly string[]): NewExerciseArgs {
  let name: string | undefined;
  let cells: string | undefined;
  let notebook: string | undefined;
  let kind: ExerciseKind | undefined;
  const value = (i: number, flag: string, what: string): string => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith("-")) throw new Error(`${flag} needs ${what}\n${USAGE}`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "-h" || arg === "--help") throw new HelpRequested(USAGE);
    else if (arg === "--notebook") notebook = value(i++, arg, "a path");
    else if (arg === "--cells") cells = value(i++, arg, "an exercise number, e.g. 05");
    else if (arg === "--kind") {
      const k = value(i++, arg, "a kind, function or router");
      if (!Object.hasOwn(KINDS, k)) throw new Error(`--kind ${k}: there is no such kind (there are: ${Object.keys(KINDS).join(", ")})\n${USAGE}`);
      kind = k as ExerciseKind;
    }
    else if (arg.startsWith("-") || name !== undefined) throw new Error(`unexpected argument ${JSON.stringify(arg)}\n${USAGE}`);
    else name = arg;
  }
  if (cells !== undefined && name !== undefined) throw new Error(`give either NN-name (a new exercise) or --cells NN (an existing one), not both\n${USAGE}`);
  if (cells !== undefined && kind !== undefined) throw new Error(`--kind applies to a new exercise (NN-name), not to --cells, which poses an existing one\n${USAGE}`);
  if (cells !== undefined) return { kind: "cells", options: { exercise: cells, notebook } };
  if (name === undefined) throw new Error(`no exercise name given\n${USAGE}`);
  return { kind: "scaffold", options: { name, notebook, ...(kind !== undefined ? { kind } : {}) } };
}

function showCells(cells: NotebookCell[]): string[] {
  return cells.map((c) => `  [${c.cell_type}]\n${c.source.join("").replace(/^/gm, "    ")}`);
}

function describeScaffold({ kind, names, files, cells }: Scaffold, notebook: string | undefined): string[] {
  const placeholder =
    kind === "router"
      ? [`The solution and the graded tests share a placeholder rule (no read goes to a follower more than 50 ms behind): replace it in both.`]
      : [];
  return [
    `Created exercise ${names.id}:`,
    ...files.map((f) => `  ${f}`),
    "",
    ...placeholder,
    `Next: fill in every ${TODO} (grep -rn "${TODO}" exercises solutions grader notebooks), then`,
    `  npm run grade -- --validate --only ${names.id}`,
    "passes when the solution scores full marks, the stub zero and both variants lose points.",
    `Then give it a row in the exercise table of README.md ("Exercises and grading"), and git add and commit its files:`,
    "npm run release ships only what git tracks.",
    "",
    notebook
      ? `Appended to ${notebook}; the cells say ${TODO} until meta.json and the stub are written. Then delete them ` +
        `(or git checkout ${notebook}), pose them again with npm run new-exercise -- --cells ${names.id} --notebook ${notebook}, ` +
        `and render it with npm run notebooks:render -- ${notebook}:`
      : `Notebook cells that pose it (append them, once meta.json and the stub are written, with npm run new-exercise -- --cells ${names.id} --notebook notebooks/NN-topic.ipynb):`,
    ...showCells(cells),
  ];
}

function describePosed({ names, cells, metaUpdated }: PosedExercise, notebook: string | undefined): string[] {
  if (!notebook) return [`Cells that pose exercise ${names.id} (pass --notebook PATH to append them):`, ...showCells(cells)];
  return [
    `Appended exercise ${names.id}'s cells to ${notebook} (render it with npm run notebooks:render -- ${notebook}).`,
    ...(metaUpdated ? [`${metaUpdated} now names ${notebook} as the notebook that poses it.`] : []),
  ];
}

if (isMain(import.meta.url)) {
  process.exitCode = await runCommand("new-exercise", () => {
    const args = parseNewExerciseArgs(process.argv.slice(2));
    const lines =
      args.kind === "scaffold"
        ? describeScaffold(scaffoldExercise(args.options), args.options.notebook)
        : describePosed(poseExercise(args.options), args.options.notebook);
    process.stdout.write(`${lines.join("\n")}\n`);
  });
}

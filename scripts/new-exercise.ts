/**
 * Scaffolds a new exercise:
 *   npm run new-exercise -- NN-name [--notebook notebooks/NN-topic.ipynb]
 *
 * Writes the stub (exercises/), the reference solution (solutions/), the graded tests and the
 * metadata with hints (grader/exercises/), two known-wrong variants (grader/variants/NN-name/),
 * and the notebook cells that pose it (appended to --notebook, and printed). Nothing existing is
 * overwritten. `npm run grade -- --validate --only NN` passes once every TODO(instructor) is done.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
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
} from "./new-exercise-templates";

const ROOT = resolve(fileURLToPath(new URL(".", import.meta.url)), "..");
const NAME = /^\d{2}-[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

export interface ScaffoldOptions {
  root?: string;
  name: string;
  /** A notebook (relative to the root) to append the exercise's cells to. */
  notebook?: string;
}

export interface Scaffold {
  names: ExerciseNames;
  files: string[];
  cells: ReturnType<typeof notebookCells>;
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

export function scaffoldExercise(options: ScaffoldOptions): Scaffold {
  const root = resolve(options.root ?? ROOT);
  if (!NAME.test(options.name)) {
    throw new Error(
      `exercise name ${JSON.stringify(options.name)} is not NN-name: two digits, a dash, then lower-case words joined by dashes (e.g. 09-quorum-reads)`,
    );
  }
  const names = namesOf(options.name);
  const taken = filesUsingId(root, names.id);
  if (taken.length > 0) throw new Error(`exercise number ${names.id} is taken: ${taken.join(", ")}; choose another NN`);
  if (options.notebook !== undefined && !existsSync(join(root, options.notebook))) {
    throw new Error(`--notebook ${options.notebook}: no such notebook (give a path relative to the project, e.g. notebooks/03-lag.ipynb)`);
  }

  const files: Record<string, string> = {
    [`exercises/${names.name}.ts`]: stubFile(names),
    [`solutions/${names.name}.ts`]: solutionFile(names),
    [`grader/exercises/${names.name}.test.ts`]: testFile(names),
    [`grader/exercises/${names.name}.meta.json`]: metaFile(names, options.notebook),
    [`grader/variants/${names.name}/first-mistake.ts`]: variantFile(names, "for example, an off-by-one or a rule left out"),
    [`grader/variants/${names.name}/second-mistake.ts`]: variantFile(names, "for example, a rule applied in the wrong order"),
  };
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text, { flag: "wx" });
  }
  const cells = notebookCells(names);
  if (options.notebook !== undefined) {
    const path = join(root, options.notebook);
    const notebook = JSON.parse(readFileSync(path, "utf8")) as { cells: unknown[] };
    notebook.cells.push(...cells);
    writeFileSync(path, `${JSON.stringify(notebook, null, 1)}\n`);
  }
  return { names, files: Object.keys(files), cells };
}

export function parseNewExerciseArgs(argv: readonly string[]): ScaffoldOptions {
  const usage = "usage: npm run new-exercise -- NN-name [--notebook notebooks/NN-topic.ipynb]";
  let name: string | undefined;
  let notebook: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--notebook") {
      notebook = argv[++i];
      if (notebook === undefined) throw new Error(`--notebook needs a path\n${usage}`);
    } else if (argv[i].startsWith("--") || name !== undefined) throw new Error(`unexpected argument ${JSON.stringify(argv[i])}\n${usage}`);
    else name = argv[i];
  }
  if (name === undefined) throw new Error(`no exercise name given\n${usage}`);
  return { name, notebook };
}

function main(argv: string[]): number {
  try {
    const options = parseNewExerciseArgs(argv);
    const { names, files, cells } = scaffoldExercise(options);
    const lines = [
      `Created exercise ${names.id}:`,
      ...files.map((f) => `  ${f}`),
      "",
      `Next: fill in every ${TODO} (grep -rn "${TODO}" exercises solutions grader), then`,
      `  npm run grade -- --validate --only ${names.id}`,
      "passes when the solution scores full marks, the stub zero and both variants lose points.",
      "",
      options.notebook
        ? `Appended to ${options.notebook} (render it with npm run notebooks:render -- ${options.notebook}):`
        : "Notebook cells that pose it (or pass --notebook notebooks/NN-topic.ipynb to append them):",
      ...cells.map((c) => `  [${c.cell_type}]\n${c.source.join("").replace(/^/gm, "    ")}`),
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`new-exercise: ${(error as Error).message}\n`);
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exit(main(process.argv.slice(2)));
}

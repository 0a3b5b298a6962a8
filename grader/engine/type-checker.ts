/**
 * Runs the type check (typecheck.ts) in a worker thread when the precompiled modules exist
 * (lib-bundle.ts builds typecheck-worker.mjs), or in this thread otherwise. A checker can be kept
 * for many checks (the notebook judge keeps one).
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { trace } from "./trace";
import type { CompileInput } from "./typecheck";

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
      this.worker = new Worker(this.script, { workerData: { lowPriority: this.options.lowPriority === true } });
      this.worker.unref();
      this.worker.on("message", (m: { id: number; result?: [string, string[]][][]; error?: string }) => {
        const w = this.waiting.get(m.id);
        this.waiting.delete(m.id);
        if (!w) return;
        if (m.result) w.resolve(m.result.map((entries) => new Map(entries)));
        else w.reject(new Error(m.error ?? "the type check failed"));
      });
      const worker = this.worker;
      worker.on("error", (error) => this.failAll(error, worker));
      worker.on("exit", () => this.failAll(new Error("the type check's worker stopped"), worker));
    }
  }

  /**
   * Type errors per exercise name, for each input (same order). A check that takes longer than
   * `limitMs` (types can be made to take the compiler minutes) is stopped, and every exercise
   * checked then gets a line saying so instead.
   *
   * The same files checked again (a notebook's check after no edit) get the earlier check's
   * result, or wait for it if it is still running, instead of checking them twice.
   */
  check(inputs: CompileInput[], limitMs = 120_000): Promise<Map<string, string[]>[]> {
    let key: string;
    try {
      key = contentKey(inputs);
    } catch {
      return this.run(inputs, limitMs);
    }
    const known = this.recent.get(key);
    if (known) return known;
    const result = this.run(inputs, limitMs);
    this.recent.set(key, result);
    result.catch(() => this.recent.delete(key));
    if (this.recent.size > RECENT_KEPT) this.recent.delete(this.recent.keys().next().value!);
    return result;
  }

  private readonly recent = new Map<string, Promise<Map<string, string[]>[]>>();

  private async run(inputs: CompileInput[], limitMs: number): Promise<Map<string, string[]>[]> {
    if (inputs.every((i) => i.exercises.size === 0)) return inputs.map(() => new Map());
    if (!this.worker) this.startWorker();
    if (!this.worker) {
      trace("type check in this thread (no precompiled worker)");
      const { typeErrorsMany } = await import("./typecheck");
      return typeErrorsMany(inputs);
    }
    const worker = this.worker;
    const id = this.nextId++;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const result = new Promise<Map<string, string[]>[]>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ id, inputs });
    });
    const overtime = new Promise<Map<string, string[]>[]>((resolve) => {
      timer = setTimeout(() => {
        this.waiting.delete(id);
        this.close();
        const note = `the type check took longer than ${Math.round(limitMs / 1000)} s and was stopped (no type errors are reported)`;
        resolve(inputs.map((input) => new Map([...input.exercises.keys()].map((name) => [name, [note]]))));
      }, limitMs);
    });
    return Promise.race([result, overtime]).finally(() => clearTimeout(timer));
  }

  close(): void {
    const worker = this.worker;
    this.worker = undefined;
    void worker?.terminate();
  }

  private failAll(error: Error, worker: Worker): void {
    if (this.worker !== worker) return;
    for (const w of this.waiting.values()) w.reject(error);
    this.waiting.clear();
    this.worker = undefined;
  }
}

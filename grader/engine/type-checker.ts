/**
 * Runs the type check (typecheck.ts) in a worker thread when the precompiled modules exist
 * (lib-bundle.ts builds typecheck-worker.mjs), or in this thread otherwise. A checker can be kept
 * for many checks (the notebook judge keeps one).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { trace } from "./trace";
import type { CompileInput } from "./typecheck";

export class TypeChecker {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (r: Map<string, string[]>[]) => void; reject: (e: Error) => void }>();
  private readonly script: string | undefined;

  constructor(libBundle: string | undefined) {
    const script = libBundle ? join(libBundle, "grader", "engine", "typecheck-worker.mjs") : undefined;
    this.script = script && existsSync(script) ? script : undefined;
    this.startWorker();
  }

  private startWorker(): void {
    if (this.script) {
      this.worker = new Worker(this.script);
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
   */
  async check(inputs: CompileInput[], limitMs = 120_000): Promise<Map<string, string[]>[]> {
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

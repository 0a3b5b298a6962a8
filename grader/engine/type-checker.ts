/**
 * Runs the type check (typecheck.ts) in TypeScript's worker thread when the precompiled modules
 * exist (lib-bundle.ts builds ts-worker.mjs), or in this thread otherwise. A checker can be kept
 * for many checks (the notebook judge keeps one).
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { LimitedWorker, tsWorkerScript, WALL_FACTOR } from "./limited-worker";
import { trace } from "./trace";
import type { CompileInput } from "./typecheck";

/** Checks whose results are kept, by the contents they checked. */
const RECENT_KEPT = 16;

/**
 * What a check's result depends on besides the grader's own files (which a checker reads once):
 * each submission's shown folder and files, exercises and test files, and the text of every staged file.
 */
function contentKey(inputs: CompileInput[]): string {
  const hash = createHash("sha256");
  for (const input of inputs) {
    hash.update(`${input.root}\0${input.displayDir}\0${JSON.stringify(input.shownFiles ?? {})}\0${JSON.stringify([...input.exercises])}\0`);
    for (const name of readdirSync(input.stageDir).sort()) hash.update(`${name}\0`).update(readFileSync(join(input.stageDir, name))).update("\0");
  }
  return hash.digest("hex");
}

export class TypeChecker {
  private readonly worker: LimitedWorker | undefined;

  /**
   * `worker`: a worker to share (a grading call's, which screens the files first), or the folder
   * of the precompiled modules, to start one of its own; without either, checks run in this
   * thread. `lowPriority`, for a worker of its own: the worker thread yields the CPU to everything
   * else of this process (the notebook judge, which does not wait for the type check to show a
   * result).
   */
  constructor(worker: LimitedWorker | string | undefined, options: { lowPriority?: boolean } = {}) {
    const script = typeof worker === "string" ? tsWorkerScript(worker) : undefined;
    this.worker = typeof worker === "object" ? worker : script ? new LimitedWorker(script, options) : undefined;
    this.worker?.start();
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
   * One check of `inputs` in the worker (see LimitedWorker.ask for its limits): its result, or why
   * it has none. Checkers that run in this thread (no precompiled worker) cannot be stopped and
   * always give a result.
   */
  protected async attempt(inputs: CompileInput[], limitMs: number, wallMs: number): Promise<Map<string, string[]>[] | { stopped: string }> {
    if (!this.worker) {
      trace("type check in this thread (no precompiled worker)");
      const { typeErrorsMany } = await import("./typecheck");
      return typeErrorsMany(inputs);
    }
    const answer = await this.worker.ask<[string, string[]][][]>("check", inputs, limitMs, wallMs);
    if ("result" in answer) return answer.result.map((entries) => new Map(entries));
    return "stopped" in answer ? { stopped: `${answer.stopped} and was stopped` } : { stopped: `failed: ${answer.error}` };
  }

  /** Stops the worker; checks still waiting for it fail (their submissions get a note). */
  close(): void {
    this.worker?.close();
  }
}

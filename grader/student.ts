/**
 * How a graded test reaches the submission it grades: never by importing it. The student's
 * exercise file runs in a sandbox process of its own (sandbox/), and a test asks it questions
 * over a small channel and gets plain data back:
 *
 *   import type * as Exercise from "../../exercises/05-leader-election";  // types only
 *   const answer = student<typeof Exercise>("05-leader-election");
 *   const chosen = await answer.call("chooseNewLeader", followers);        // unknown: check it
 *
 * The type-only import keeps the calls checked against the exercise's signature (`npm run
 * typecheck`) without loading the file. A call is cheap (a round trip of a fraction of a
 * millisecond plus the student's own work), so a test may call as often as it likes, and build
 * its next question from an earlier answer.
 *
 * Time: every call counts against the case it belongs to (`caseTimeoutMs`, in CPU time of the
 * sandbox, with a wall-clock cap of three times that plus 2 s for code that waits without working) and against the exercise's
 * budget for the whole grading (`exerciseCpuMs`). A call past either is stopped by killing the
 * sandbox from outside; the next call starts a fresh one and loads the file again.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { existsSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { afterAll, inject } from "vitest";
import type { SimConfig } from "../lib";
import { Sandbox, SandboxStopped, START_LIMIT, StudentError, type Limit, type Spent } from "./sandbox/client";
import { useIsolation } from "./sandbox/launch";
import type { RouterSpec, Step } from "./sandbox/protocol";
import { fromWire, toWire, type Plain } from "./sandbox/wire";
import { trace } from "./engine/trace";
import { SETTINGS_KEY, type GradingSettings } from "./settings";

export { StudentError } from "./sandbox/client";
export type { RouterSpec, RouteSource, Step } from "./sandbox/protocol";

type Args<F> = F extends (...args: infer A) => unknown ? A : never;
type Callable<T> = { [K in keyof T]: T[K] extends (...args: never[]) => unknown ? K : never }[keyof T] & string;

/** The results of a `run`: each step's answer, up to the step that threw (if one did). */
export interface StepResults {
  values: Plain[];
  /** Arguments as each call left them, for steps that asked (`argsAfter`). */
  argsAfter: (Plain[] | undefined)[];
  error?: StudentError;
  /** Index of the step that threw. */
  at?: number;
}

/** What a router decided in a simulated run, in order, and how many random numbers each decision drew. */
export interface RouterLog {
  decisions: Plain[];
  draws: number[];
  /** The router (or the run in the sandbox) threw. */
  error?: StudentError;
}

export interface StudentCode<T> {
  /** Calls the exported function `fn` with `args`; resolves with its (awaited) answer as plain data. */
  call<K extends Callable<T>>(fn: K, ...args: Args<T[K]>): Promise<Plain>;
  /** The same, also resolving with the arguments as the call left them (was the input changed?). */
  callWithArgs<K extends Callable<T>>(fn: K, ...args: Args<T[K]>): Promise<{ value: Plain; argsAfter: Plain[] }>;
  /** Several calls, and calls of methods of what earlier calls returned (`keep`), in one round trip. */
  run(steps: Step[], options?: Fresh): Promise<StepResults>;
  /** Simulates `config` with the submission's router(s) in the sandbox; resolves with the decisions taken. */
  route(config: SimConfig, router: RouterSpec, options?: Fresh): Promise<RouterLog>;
}

/**
 * `fresh: true` loads the exercise file anew before the request, so that what its module-level
 * variables kept from earlier questions cannot change this answer: a case judged so gets the same
 * verdict whatever ran before it, as when it is replayed alone.
 */
export interface Fresh {
  fresh?: boolean;
}

/** A case ran past its time limit (its sandbox was stopped); the test's remaining cases are skipped. */
export class CaseTimeout extends Error {
  override readonly name = "CaseTimeout";
}

/** The sandbox died, or the exercise's time budget ran out: not the answer to the question asked. */
export class SandboxFailure extends Error {
  override readonly name = "SandboxFailure";
}

/** The settings of this run, or undefined when the graded tests run without the scorer or the development config. */
export function gradingSettings(): GradingSettings | undefined {
  try {
    return inject(SETTINGS_KEY);
  } catch {
    return undefined;
  }
}

/** What is left of a case's limit (graded.ts runs each case in `asCase`; two may be in flight). */
interface CaseBudget {
  cpuLeftMs: number;
  wallLeftMs: number;
  limitMs: number;
}
const caseBudget = new AsyncLocalStorage<CaseBudget>();
const DEFAULT_CASE_MS = 2_000;
/** Loading a module: its top-level code gets this much CPU time. */
const LOAD_LIMIT: Limit = { cpuMs: 5_000, wallMs: wallCapMs(5_000) };
const START_WALL_MS = START_LIMIT.wallMs;

/**
 * Wall-clock allowance of a CPU limit: three times it and two seconds more, so that a machine
 * busy with other work rarely stops a slow but working answer, while code that only waits is
 * still stopped in seconds.
 */
export function wallCapMs(cpuMs: number): number {
  return 3 * cpuMs + 2_000;
}

/**
 * How long the judge's side waits for a case before giving up on it: far past anything the
 * sandbox's own limits allow (a case may have to start a sandbox and load the file first), so it
 * only ever stops the grader's own code.
 */
export function caseBackstopMs(cpuMs: number): number {
  return wallCapMs(cpuMs) + START_WALL_MS + LOAD_LIMIT.wallMs + 10_000;
}

/** Runs `body` as one case with `limitMs` of the sandbox's time (graded.ts's `c.each`). */
export function asCase<T>(limitMs: number, body: () => Promise<T>): Promise<T> {
  return caseBudget.run({ cpuLeftMs: limitMs, wallLeftMs: wallCapMs(limitMs), limitMs }, body);
}

/** Stops every sandbox that is answering now (a case ran out of time on the judge's side). */
export function stopBusySandboxes(): void {
  for (const code of open) code.stopIfBusy();
}

const open = new Set<Handle>();

/** The submission's exercise `name` ("05-leader-election"), as the graded test file sees it. */
export function student<T>(name: string): StudentCode<T> {
  const handle = new Handle(name);
  open.add(handle);
  afterAll(() => {
    handle.traceUse();
    handle.close();
    open.delete(handle);
  });
  return {
    call: async (fn, ...args) => {
      const r = await handle.run([{ call: fn, args: args as unknown[] }]);
      if (r.error) throw r.error;
      return r.values[0];
    },
    callWithArgs: async (fn, ...args) => {
      const r = await handle.run([{ call: fn, args: args as unknown[], argsAfter: true }]);
      if (r.error) throw r.error;
      return { value: r.values[0], argsAfter: r.argsAfter[0] ?? [] };
    },
    run: (steps, options) => handle.run(steps, options),
    route: (config, router, options) => handle.route(config, router, options),
  };
}

class Handle {
  private sandbox: Promise<Sandbox> | undefined;
  private busy = 0;
  /** Set once the file cannot be loaded (or its budget is gone): every later call fails with it. */
  private broken: SandboxFailure | undefined;
  private cpuUsedMs = 0;
  private wallUsedMs = 0;

  constructor(private readonly name: string) {}

  private settings(): GradingSettings {
    const s = gradingSettings();
    if (!s) throw new Error("graded tests run inside the grader: npm run grade, or npx vitest run -c grader/vitest.config.ts");
    return s;
  }

  async run(steps: Step[], options: Fresh = {}): Promise<StepResults> {
    const reply = await this.request({ op: "run", steps: steps.map((s) => ({ ...s, args: s.args.map(toWireArg) })), ...(options.fresh ? { fresh: true } : {}) });
    const results = Array.isArray(reply.results) ? (reply.results as { value?: unknown; argsAfter?: unknown }[]) : [];
    const values = results.map((r) => fromWire(r?.value));
    const argsAfter = results.map((r) => {
      const after = r && r.argsAfter !== undefined ? fromWire(r.argsAfter) : undefined;
      return Array.isArray(after) ? after : undefined;
    });
    const error = studentError(reply.error);
    if (!error && results.length !== steps.length) throw new SandboxFailure("the exercise's process sent a reply that does not fit the request");
    return { values, argsAfter, ...(error ? { error, at: typeof reply.at === "number" ? reply.at : values.length } : {}) };
  }

  async route(config: SimConfig, router: RouterSpec, options: Fresh = {}): Promise<RouterLog> {
    const { reads, ...rest } = config;
    const wireConfig = toWireArg({ ...rest, ...(reads ? { reads: { ...reads, routing: undefined } } : {}) });
    const spec: RouterSpec = "export" in router ? router : { byPurpose: Object.fromEntries(Object.entries(router.byPurpose).map(([p, s]) => [p, "routing" in s ? { routing: toWireArg(s.routing) } : { ...s, args: s.args.map(toWireArg) }])) };
    const reply = await this.request({ op: "route", config: wireConfig, router: spec, ...(options.fresh ? { fresh: true } : {}) });
    const decisions = Array.isArray(reply.decisions) ? reply.decisions.map((d) => fromWire(d)) : [];
    const draws = Array.isArray(reply.draws) ? reply.draws.map((n) => (Number.isInteger(n) && (n as number) >= 0 ? (n as number) : -1)) : [];
    return { decisions, draws, ...(reply.error ? { error: studentError(reply.error) } : {}) };
  }

  private started = 0;
  private requests = 0;

  /** With RL_GRADER_TRACE=1: what this exercise's sandboxes did in this test file. */
  traceUse(): void {
    trace(`sandbox ${this.name}: ${this.started} started, ${this.requests} requests, ${(this.cpuUsedMs / 1000).toFixed(2)} CPU-s (${(this.wallUsedMs / 1000).toFixed(2)} s answering)`);
  }

  stopIfBusy(): void {
    if (this.busy > 0) this.close();
  }

  close(): void {
    void this.sandbox?.then((s) => s.close(), () => undefined);
    this.sandbox = undefined;
  }

  private async request(request: Parameters<Sandbox["request"]>[0]): Promise<Record<string, unknown>> {
    if (this.broken) throw this.broken;
    const settings = this.settings();
    const budgetLeftMs = settings.exerciseCpuMs - this.cpuUsedMs;
    if (budgetLeftMs <= 0 || this.wallUsedMs > wallCapMs(settings.exerciseCpuMs) * 2) {
      this.broken = new SandboxFailure(`not run: this exercise's code has used up its ${seconds(settings.exerciseCpuMs)} of CPU time for this grading`);
      throw this.broken;
    }
    const caseLimit = caseBudget.getStore() ?? { cpuLeftMs: DEFAULT_CASE_MS, wallLeftMs: wallCapMs(DEFAULT_CASE_MS), limitMs: DEFAULT_CASE_MS };
    const limit: Limit = { cpuMs: Math.min(caseLimit.cpuLeftMs, budgetLeftMs), wallMs: caseLimit.wallLeftMs };
    this.busy++;
    let sandbox: Promise<Sandbox> | undefined;
    try {
      sandbox = this.sandbox ??= this.ready(settings);
      const { reply, spent } = await (await sandbox).request(request, limit);
      this.requests++;
      this.charge(spent, caseLimit);
      if (reply.error && !("results" in reply) && !("decisions" in reply)) throw studentError(reply.error);
      return reply;
    } catch (error) {
      if (!(error instanceof SandboxStopped)) throw error;
      if (this.sandbox === sandbox) this.sandbox = undefined;
      this.charge({ cpuMs: limit.cpuMs, wallMs: limit.wallMs }, caseLimit);
      if (error.why === "died") throw new SandboxFailure(`the exercise's code stopped answering: ${error.message}`);
      if (limit.cpuMs < caseLimit.cpuLeftMs && error.why === "cpu") {
        this.broken = new SandboxFailure(`stopped: this exercise's code used up its ${seconds(settings.exerciseCpuMs)} of CPU time for this grading`);
        throw this.broken;
      }
      throw new CaseTimeout(`ran out of time: ${error.message}`);
    } finally {
      this.busy--;
    }
  }

  private charge(spent: Spent, budget: CaseBudget): void {
    this.cpuUsedMs += spent.cpuMs;
    this.wallUsedMs += spent.wallMs;
    budget.cpuLeftMs = Math.max(0, budget.cpuLeftMs - spent.cpuMs);
    budget.wallLeftMs = Math.max(0, budget.wallLeftMs - spent.wallMs);
  }

  /** A started sandbox with the exercise loaded (a fresh one after a stop). */
  private async ready(settings: GradingSettings): Promise<Sandbox> {
    useIsolation(settings.isolation);
    const compiled = join(settings.buildDir, `${this.name}.mjs`);
    if (!existsSync(compiled)) {
      this.broken = new SandboxFailure(`the exercise was not compiled (${this.name}.ts is missing or does not compile)`);
      throw this.broken;
    }
    // The permission model checks real paths: load the file by its own.
    const exerciseFile = realpathSync(compiled);
    const sandbox = new Sandbox({
      runtimeDir: settings.runtimeDir,
      exerciseFile,
      memoryMb: settings.memoryMb,
      onOutput: settings.showOutput ? (_stream, text) => console.log(text.replace(/\n$/, "")) : undefined,
    });
    this.started++;
    try {
      await sandbox.start();
      const { reply, spent } = await sandbox.request({ op: "load", file: exerciseFile }, LOAD_LIMIT);
      this.cpuUsedMs += spent.cpuMs;
      if (reply.ok !== true) {
        const error = studentError(reply.error) ?? new StudentError({ name: "Error", message: "it could not be loaded", stack: "" });
        const at = frameIn(error.stackText, settings.sourceDir);
        this.broken = new SandboxFailure(`the exercise failed to load: ${error.name}: ${error.message}${at ? ` (at ${at})` : ""}`);
        throw this.broken;
      }
      return sandbox;
    } catch (error) {
      if (!(error instanceof SandboxStopped)) throw error;
      sandbox.close();
      this.broken =
        error.why === "died"
          ? new SandboxFailure(`the exercise failed to load: ${error.message}`)
          : new SandboxFailure(`loading the exercise never finished: ${error.message} (an infinite loop or a never-settling await at the top level of the file?)`);
      throw this.broken;
    }
  }
}

function studentError(raw: unknown): StudentError | undefined {
  if (raw === undefined || raw === null) return undefined;
  const e = raw as Record<string, unknown>;
  return new StudentError({ name: String(e.name ?? "Error"), message: String(e.message ?? ""), stack: String(e.stack ?? "") });
}

/** Arguments are the judge's own data, sent in wire form; the sandbox reads them back with fromWire. */
const toWireArg = (value: unknown): unknown => toWire(value);

/** The first place of a stack trace in the submission's own files: `<sourceDir>/05-x.ts:12:5`. */
function frameIn(stack: string, sourceDir: string): string | undefined {
  for (const line of stack.split("\n")) {
    const m = /(\/[^\s()]+\.ts):(\d+):(\d+)/.exec(line.replace("file://", ""));
    if (m && m[1].startsWith(sourceDir)) return `${m[1]}:${m[2]}:${m[3]}`;
  }
  return undefined;
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}


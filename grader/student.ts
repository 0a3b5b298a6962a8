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
import { afterAll, expect, inject } from "vitest";
import type { SimConfig } from "../lib";
import { Sandbox, SandboxStopped, START_LIMIT, StudentError, type Limit, type Spent } from "./sandbox/client";
import { useIsolation } from "./sandbox/launch";
import type { RequestBody, RouterSpec, Step } from "./sandbox/protocol";
import { fromWire, toWire, type Plain } from "./sandbox/wire";
import type { Printed } from "./engine/report";
import { trace } from "./engine/trace";
import { PRINTED_KEY } from "./graded-defaults";
import { PrintedKeeper } from "./sandbox/printed";
import { SETTINGS_KEY, SLOTS_KEY, slotOf, type GradingSettings } from "./settings";

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
  constructor(
    message: string,
    /**
     * The code stopped answering in the middle of a case (its process died, or was stopped for
     * another case of its batch), rather than failing at once for good (a file that cannot be
     * loaded, a budget used up): what is worth telling a check's later tests (graded.ts).
     */
    readonly stoppedAnswering = false,
  ) {
    super(message);
  }
}

/**
 * The settings of the submission whose test file runs now (a slot's copy reads its slot's:
 * settings.ts), or undefined when the graded tests run without the scorer or the development config.
 */
export function gradingSettings(): GradingSettings | undefined {
  try {
    const { slot } = slotOf(expect.getState().testPath ?? "");
    return slot ? inject(SLOTS_KEY)[slot] : inject(SETTINGS_KEY);
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

/** A question waiting for the sandbox, with the budget of the case that asked it. */
interface Asked {
  request: Exclude<RequestBody, { op: "load" } | { op: "batch" }>;
  budget: CaseBudget;
  resolve: (reply: Record<string, unknown>) => void;
  reject: (error: unknown) => void;
}
/** Questions in the first batches, before the cost of one is known; and the most in any batch. */
const BATCH_FIRST = 8;
const BATCH_MAX = 64;
const DEFAULT_CASE_MS = 2_000;
/** Loading a module: its top-level code gets this much CPU time. */
const LOAD_LIMIT: Limit = { cpuMs: 5_000, wallMs: wallCapMs(5_000) };
const START_WALL_MS = START_LIMIT.wallMs;
/** How long the end of a test file waits for stopped sandboxes' output to be read (it takes milliseconds). */
const OUTPUT_WAIT_MS = 1_000;

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

/**
 * Gives every open exercise a new sandbox process (started at once, as at the file's start). A
 * public test that runs after hidden ones calls it: a process that ran hidden cases could have kept
 * their inputs (in a global, or its module's state) and would show them in the public test's
 * feedback, where hidden cases show nothing.
 */
export function freshSandboxes(): void {
  for (const code of open) code.renew();
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
  handle.prestart();
  // vitest reads the first parameter as fixtures, which must be written as a destructuring pattern.
  afterAll(async ({}, file) => {
    handle.traceUse();
    handle.close();
    open.delete(handle);
    const printed = await handle.printedOutput();
    if (printed) (file.meta as Record<string, unknown>)[PRINTED_KEY] = printed;
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

  /** This submission's settings, read when the test file that made the handle loads. */
  private readonly given = gradingSettings();

  /**
   * The first lines of what the code printed, kept only when public tests alone run: code that
   * sees hidden inputs could print them, and the report must not carry them (engine/grade.ts
   * also shows it only then). The sandboxes that printed, to read their output to its end.
   */
  private readonly printed = this.given?.publicOnly === true && this.given.replay === undefined ? new PrintedKeeper() : undefined;
  private readonly printing: Sandbox[] = [];

  constructor(private readonly name: string) {}

  private settings(): GradingSettings {
    const s = this.given;
    if (!s) throw new Error("graded tests run inside the grader: npm run grade, or npx vitest run -c grader/vitest.config.ts");
    return s;
  }

  async run(steps: Step[], options: Fresh = {}): Promise<StepResults> {
    const reply = await this.request({ op: "run", steps: steps.map((s) => ({ ...s, args: s.args.map(toWireArg) })), ...(options.fresh ? { fresh: true } : {}) });
    let results = Array.isArray(reply.results) ? (reply.results as { value?: unknown; argsAfter?: unknown; promised?: unknown }[]) : [];
    let error = studentError(reply.error);
    if (!error && results.length !== steps.length) throw new SandboxFailure("the exercise's process sent a reply that does not fit the request");
    // Every exercise's functions answer at once: an answer that was a Promise (a function declared
    // `async`) is not what the text asks for, though the sandbox awaited it.
    const promised = results.findIndex((r) => r?.promised === true);
    if (promised >= 0) {
      const step = steps[promised];
      const fn = "call" in step ? step.call : step.method;
      error = studentError({ name: "TypeError", message: `${fn} returned a Promise (is it declared async?): it must return its answer itself, as the exercise's text declares it`, stack: "" });
      results = results.slice(0, promised);
    }
    const decoding = performance.now();
    const values = results.map((r) => fromWire(r?.value));
    const argsAfter = results.map((r) => {
      const after = r && r.argsAfter !== undefined ? fromWire(r.argsAfter) : undefined;
      return Array.isArray(after) ? after : undefined;
    });
    this.chargeDecoding(performance.now() - decoding);
    return { values, argsAfter, ...(error ? { error, at: promised >= 0 ? promised : typeof reply.at === "number" ? reply.at : values.length } : {}) };
  }

  async route(config: SimConfig, router: RouterSpec, options: Fresh = {}): Promise<RouterLog> {
    const { reads, ...rest } = config;
    const wireConfig = toWireArg({ ...rest, ...(reads ? { reads: { ...reads, routing: undefined } } : {}) });
    const spec: RouterSpec = "export" in router ? router : { byPurpose: Object.fromEntries(Object.entries(router.byPurpose).map(([p, s]) => [p, "routing" in s ? { routing: toWireArg(s.routing) } : { ...s, args: s.args.map(toWireArg) }])) };
    const reply = await this.request({ op: "route", config: wireConfig, router: spec, ...(options.fresh ? { fresh: true } : {}) });
    const decoding = performance.now();
    const decisions = Array.isArray(reply.decisions) ? reply.decisions.map((d) => fromWire(d)) : [];
    this.chargeDecoding(performance.now() - decoding);
    const draws = Array.isArray(reply.draws) ? reply.draws.map((n) => (Number.isInteger(n) && (n as number) >= 0 ? (n as number) : -1)) : [];
    return { decisions, draws, ...(reply.error ? { error: studentError(reply.error) } : {}) };
  }

  /**
   * Starts the sandbox and loads the file while vitest is still collecting the tests, so the
   * first question does not wait for it. A file that cannot be loaded fails that question with
   * the reason, as it would have without this.
   */
  prestart(): void {
    const settings = this.given;
    if (!settings) return;
    this.sandbox ??= this.ready(settings);
    this.sandbox.catch(() => undefined);
  }

  private started = 0;
  private singleThreaded = false;
  private requests = 0;
  private trips = 0;

  /** With RL_GRADER_TRACE=1: what this exercise's sandboxes did in this test file. */
  traceUse(): void {
    trace(`sandbox ${this.name}: ${this.started} started${this.singleThreaded ? " (without V8's helper threads)" : ""}, ${this.requests} requests in ${this.trips} round trips, ${(this.cpuUsedMs / 1000).toFixed(2)} CPU-s (${(this.wallUsedMs / 1000).toFixed(2)} s answering)`);
  }

  /** A new process for the next question, started now; none when the file cannot be run anyway. */
  renew(): void {
    if (this.broken || !this.sandbox) return;
    this.close();
    this.prestart();
  }

  /**
   * What the code printed in this test file, once every sandbox's output has been read to its end
   * (they are all stopped by now; a second at most, should a pipe stay open), or undefined.
   */
  async printedOutput(): Promise<Printed | undefined> {
    if (!this.printed) return undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([Promise.all(this.printing.map((s) => s.outputRead())), new Promise((done) => (timer = setTimeout(done, OUTPUT_WAIT_MS)))]);
    clearTimeout(timer);
    return this.printed.result();
  }

  stopIfBusy(): void {
    if (this.busy > 0) this.close();
  }

  close(): void {
    void this.sandbox?.then((s) => s.close(), () => undefined);
    this.sandbox = undefined;
  }

  /**
   * Asks the sandbox one question. Questions asked while the sandbox is busy wait, and go together
   * as one batch once it is free (see `pump`); each keeps the limits of the case it belongs to.
   */
  private request(request: Asked["request"]): Promise<Record<string, unknown>> {
    if (this.broken) return Promise.reject(this.broken);
    const budget = caseBudget.getStore() ?? { cpuLeftMs: DEFAULT_CASE_MS, wallLeftMs: wallCapMs(DEFAULT_CASE_MS), limitMs: DEFAULT_CASE_MS };
    return new Promise((resolve, reject) => {
      this.asked.push({ request, budget, resolve, reject });
      this.pump();
    });
  }

  private readonly asked: Asked[] = [];
  private sending = false;
  private pumpQueued = false;
  /** Answers received and not yet handed to their cases (one per turn of the event loop). */
  private undelivered = 0;
  /** Set after a batch ran past its limit: from then on, one question at a time. */
  private oneAtATime = false;
  /** CPU time of a question, on average so far (ms), to keep batches well inside their limits. */
  private cpuPerQuestionMs = 0;

  /**
   * Sends the waiting questions as one batch when the sandbox is free. While the answers of the
   * last batch are still being judged, it waits for up to as many questions as there are answers
   * left to judge: the sandbox then works on the next batch while the judge checks the rest.
   */
  private pump(): void {
    if (this.pumpQueued) return;
    this.pumpQueued = true;
    setImmediate(() => {
      this.pumpQueued = false;
      if (this.sending || this.asked.length === 0) return;
      const size = this.batchSize();
      if (this.undelivered > 0 && this.asked.length < Math.min(this.undelivered, size)) return;
      const batch = this.asked.splice(0, size);
      this.sending = true;
      void this.send(batch).finally(() => {
        this.sending = false;
        this.pump();
      });
    });
  }

  /** How many questions may go in one batch: few enough that the batch stays far inside the smallest limit. */
  private batchSize(): number {
    if (this.oneAtATime) return 1;
    if (this.requests < BATCH_FIRST) return BATCH_FIRST;
    const limitMs = Math.min(...this.asked.slice(0, BATCH_MAX).map((a) => a.budget.cpuLeftMs));
    return Math.max(1, Math.min(BATCH_MAX, Math.floor(limitMs / 4 / Math.max(0.5, this.cpuPerQuestionMs))));
  }

  /** Hands answers to their cases one per turn of the event loop, so that the next batch can leave while the rest are judged. */
  private deliver(settle: (() => void)[]): void {
    this.undelivered += settle.length;
    const next = (i: number): void => {
      if (i >= settle.length) return;
      setImmediate(() => {
        this.undelivered--;
        settle[i]();
        this.pump();
        next(i + 1);
      });
    };
    next(0);
  }

  private async send(batch: Asked[]): Promise<void> {
    let settings: GradingSettings;
    try {
      settings = this.settings();
    } catch (error) {
      for (const a of batch) a.reject(error);
      return;
    }
    if (batch.length === 1) {
      const { settle } = await this.one(batch[0], settings);
      this.deliver([settle]);
      return;
    }
    const settled = await this.many(batch, settings);
    if (settled) {
      this.deliver(settled);
      return;
    }
    // The batch ran past its limit, or the sandbox died in it: ask again one question at a time,
    // in a fresh sandbox, so that the question at fault fails with its own limits and the ones
    // before it get their answers, as if they had never been batched.
    this.oneAtATime = true;
    trace(`sandbox ${this.name}: a batch of ${batch.length} stopped; asking again one at a time`);
    for (let i = 0; i < batch.length; i++) {
      const { settle, stopped } = await this.one(batch[i], settings);
      settle();
      if (stopped) {
        for (const a of batch.slice(i + 1)) a.reject(new SandboxFailure(`the exercise's code stopped answering: ${stopped.message}`, true));
        return;
      }
    }
  }

  /** One question on its own, with its case's limits; what settles its promise, and why the sandbox stopped if it did. */
  private async one(a: Asked, settings: GradingSettings): Promise<{ settle: () => void; stopped?: SandboxStopped }> {
    const fail = (error: unknown) => ({ settle: () => a.reject(error) });
    if (this.broken) return fail(this.broken);
    const budgetLeftMs = settings.exerciseCpuMs - this.cpuUsedMs;
    if (budgetLeftMs <= 0 || this.wallUsedMs > wallCapMs(settings.exerciseCpuMs) * 2) {
      this.broken = new SandboxFailure(`not run: this exercise's code has used up its ${seconds(settings.exerciseCpuMs)} of CPU time for this grading`);
      return fail(this.broken);
    }
    const caseLimit = a.budget;
    const limit: Limit = { cpuMs: Math.min(caseLimit.cpuLeftMs, budgetLeftMs), wallMs: caseLimit.wallLeftMs };
    this.busy++;
    let sandbox: Promise<Sandbox> | undefined;
    try {
      sandbox = this.sandbox ??= this.ready(settings);
      const { reply, spent } = await (await sandbox).request(a.request, limit);
      this.counted(1, spent);
      this.charge(spent, caseLimit);
      if (reply.error && !("results" in reply) && !("decisions" in reply)) return fail(studentError(reply.error));
      return { settle: () => a.resolve(reply) };
    } catch (error) {
      if (!(error instanceof SandboxStopped)) return fail(error);
      if (this.sandbox === sandbox) this.sandbox = undefined;
      this.charge({ cpuMs: limit.cpuMs, wallMs: limit.wallMs }, caseLimit);
      if (error.why === "died") return { ...fail(new SandboxFailure(`the exercise's code stopped answering: ${error.message}`, true)), stopped: error };
      if (limit.cpuMs < caseLimit.cpuLeftMs && error.why === "cpu") {
        this.broken = new SandboxFailure(`stopped: this exercise's code used up its ${seconds(settings.exerciseCpuMs)} of CPU time for this grading`);
        return { ...fail(this.broken), stopped: error };
      }
      return { ...fail(new CaseTimeout(`ran out of time: ${error.message}`)), stopped: error };
    } finally {
      this.busy--;
    }
  }

  /**
   * Several questions in one round trip, within the smallest limit any of them has left (so none
   * can have used more than its own). The time the judge measured for the batch is shared among
   * its questions as the sandbox says it was spent (a hint only: shares are scaled to the
   * measured total). Undefined when the batch ran past that limit or the sandbox died: the
   * questions are then asked again one at a time, and this batch is charged to no one.
   */
  private async many(batch: Asked[], settings: GradingSettings): Promise<(() => void)[] | undefined> {
    if (this.broken) return batch.map((a) => () => a.reject(this.broken));
    const budgetLeftMs = settings.exerciseCpuMs - this.cpuUsedMs;
    if (budgetLeftMs <= 0 || this.wallUsedMs > wallCapMs(settings.exerciseCpuMs) * 2) return undefined;
    const limit: Limit = { cpuMs: Math.min(budgetLeftMs, ...batch.map((a) => a.budget.cpuLeftMs)), wallMs: Math.min(...batch.map((a) => a.budget.wallLeftMs)) };
    this.busy++;
    let sandbox: Promise<Sandbox> | undefined;
    try {
      sandbox = this.sandbox ??= this.ready(settings);
      const { reply, spent } = await (await sandbox).request({ op: "batch", requests: batch.map((a) => a.request) }, limit);
      this.counted(batch.length, spent);
      this.cpuUsedMs += spent.cpuMs;
      this.wallUsedMs += spent.wallMs;
      const replies = Array.isArray(reply.replies) && reply.replies.length === batch.length ? (reply.replies as unknown[]) : undefined;
      if (!replies) {
        const error = new SandboxFailure("the exercise's process sent a reply that does not fit the request");
        return batch.map((a) => () => a.reject(error));
      }
      const parts = replies.map((r) => (r !== null && typeof r === "object" ? (r as Record<string, unknown>) : {}));
      const cpuShares = shares(parts.map((r) => r.cpuMs), spent.cpuMs);
      const wallShares = shares(parts.map((r) => r.wallMs), spent.wallMs);
      // Questions of one case share its budget: each is charged its own share.
      batch.forEach((a, i) => {
        a.budget.cpuLeftMs = Math.max(0, a.budget.cpuLeftMs - cpuShares[i]);
        a.budget.wallLeftMs = Math.max(0, a.budget.wallLeftMs - wallShares[i]);
      });
      return batch.map((a, i) => {
        const r = parts[i];
        if (r.error && !("results" in r) && !("decisions" in r)) {
          const error = studentError(r.error);
          return () => a.reject(error);
        }
        return () => a.resolve(r);
      });
    } catch (error) {
      if (!(error instanceof SandboxStopped)) return batch.map((a) => () => a.reject(error));
      if (this.sandbox === sandbox) this.sandbox = undefined;
      return undefined;
    } finally {
      this.busy--;
    }
  }

  private counted(questions: number, spent: Spent): void {
    this.requests += questions;
    this.trips++;
    const each = spent.cpuMs / questions;
    this.cpuPerQuestionMs = this.cpuPerQuestionMs === 0 ? each : 0.8 * this.cpuPerQuestionMs + 0.2 * each;
  }

  /**
   * The judge's time rebuilding an answer from its wire form (a huge answer takes long) is the
   * case's, and the exercise's, as the time reading it was (sandbox/client.ts).
   */
  private chargeDecoding(ms: number): void {
    this.cpuUsedMs += ms;
    const budget = caseBudget.getStore();
    if (budget) budget.cpuLeftMs = Math.max(0, budget.cpuLeftMs - ms);
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
      singleThreaded: settings.singleThreaded,
      onOutput: (_stream, text) => {
        if (settings.showOutput) console.log(text.replace(/\n$/, ""));
        this.printed?.add(text);
      },
    });
    if (this.printed) this.printing.push(sandbox);
    this.started++;
    this.singleThreaded = settings.singleThreaded;
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

/** `total` shared in proportion to `hints` (non-negative numbers; evenly when they are not). */
function shares(hints: unknown[], total: number): number[] {
  const clean = hints.map((h) => (typeof h === "number" && Number.isFinite(h) && h > 0 ? h : 0));
  const sum = clean.reduce((a, b) => a + b, 0);
  return sum > 0 ? clean.map((h) => (h / sum) * total) : clean.map(() => total / clean.length);
}

function studentError(raw: unknown): StudentError | undefined {
  if (raw === undefined || raw === null) return undefined;
  const e = raw as Record<string, unknown>;
  return new StudentError({ name: String(e.name ?? "Error"), message: String(e.message ?? ""), stack: String(e.stack ?? "") });
}

/** Arguments are the judge's own data, sent in wire form; the sandbox reads them back with fromWire. */
const toWireArg = (value: unknown): unknown => toWire(value);

/**
 * Where in the submission's own file an error its code threw was raised, `<sourceDir>/05-x.ts:12:5`
 * (the report shows the folder as the student's), or undefined outside a grading run. The stub's
 * "not implemented yet" is left as it is: its place says nothing.
 */
export function studentFrame(error: StudentError): string | undefined {
  const settings = gradingSettings();
  return settings && error.name !== "NotImplementedError" ? frameIn(error.stackText, settings.sourceDir) : undefined;
}

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


/**
 * Runs the graded test files with vitest, in this process, and collects what each test reported.
 *
 * The graded tests are the grader's own code: no student code runs in this process or in vitest's
 * worker threads (each submission's code runs in sandbox processes the tests start, student.ts).
 * So vitest runs here, in one vitest project for every submission of the call, and results come
 * from an in-process reporter. A test that never reports, or a run cut short by the call's
 * deadline, is failed by the scorer from the manifest.
 *
 * Submissions are "slots" of that one project (named p0, p1, … by the caller). The first slot runs
 * the test files themselves; slot pK runs copies that exist only for vite, at
 * `grader/exercises/.pK/NN-name.test.ts` (the same source, its imports resolved from the real
 * file's folder: `slots()` below). Each copy is a module of its own, so its tests and its
 * sandboxes belong to that submission, and the tests find their submission's settings by the path
 * of the file they run in (`slotOf`, student.ts). One project means vitest keeps its worker
 * threads from one submission to the next (it reuses a worker only within a project), so the
 * library is loaded and optimised once per thread rather than once per submission.
 *
 * A runner can be kept and run again (the notebook judge does: grader/judge-server.ts), which
 * saves vitest's start-up on every check; its worker threads are kept too (kept-threads.ts), with
 * the test files' modules loaded and the library's code optimised.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { basename, isAbsolute, join, sep } from "node:path";
import type { Plugin } from "vite";
import type { Reporter, TestCase, TestModule, Vitest } from "vitest/node";
import type { GradedMeta } from "../graded";
import { META_KEY, PRINTED_KEY } from "../graded-defaults";
import { SETTINGS_KEY, SLOTS_KEY, slotFile, slotOf, type GradingSettings } from "../settings";
import { endKeptThreads, keptThreadCount, keptThreads } from "./kept-threads";
import type { Printed } from "./report";
import { trace, tracing } from "./trace";

export interface SerializedError {
  name: string;
  message: string;
  stack: string;
}

export interface TestEvent {
  name: string;
  state: "passed" | "failed" | "skipped" | "pending";
  errors: SerializedError[];
  meta: GradedMeta | null;
  durationMs: number;
}

/** What one graded test file reported for one submission. */
export interface ModuleOutcome {
  tests: TestEvent[];
  /** Errors of the file itself (it failed to load), not of a test. */
  errors: SerializedError[];
  /** False when the run ended before the file did (the deadline). */
  ended: boolean;
  /** How long the file took, when it ended. */
  durationMs?: number;
  /** The first lines its exercise's code printed, when they were kept (public tests only, student.ts). */
  printed?: Printed;
}

export interface RunnerOptions {
  root: string;
  /** vite's cache folder (the grader's own copy may be read-only). */
  cacheDir: string;
  maxWorkers: number;
  /** lib/ and the tests' helpers precompiled (lib-bundle.ts), loaded in place of their sources. */
  libBundle?: string;
  /** Slots this runner can run, by name: one per submission graded at once (p0, p1, …). */
  projects: string[];
  /** Receives what tests print (with `showOutput`, what the student's code printed). */
  onLog?: (text: string) => void;
}

export interface ProjectRun {
  project: string;
  files: string[];
  settings: GradingSettings;
}

const MESSAGE_CHARS_MAX = 2_000;

const key = (project: string, file: string): string => `${project}\n${file}`;

/** The vitest project every slot runs in. */
const PROJECT = "grading";

export class GradingRunner {
  private constructor(
    private readonly vitest: Vitest,
    private readonly collector: Collector,
    private readonly root: string,
    private readonly slots: string[],
  ) {}

  static async create(options: RunnerOptions): Promise<GradingRunner> {
    const { createVitest, ThreadsPoolWorker } = await import("vitest/node");
    const collector = new Collector(options.onLog);
    const vitest = await createVitest(
      "test",
      {
        root: options.root,
        config: false,
        watch: false,
        // vitest's threads, kept from one run to the next (kept-threads.ts).
        pool: keptThreads(ThreadsPoolWorker),
        maxWorkers: options.maxWorkers,
        fileParallelism: true,
        // A worker thread runs test files one after another, of every submission (one project),
        // loading the library and warming its code once: the files are the grader's own, each
        // slot's copy is a module of its own, and each exercise's student code is in its own
        // sandbox process anyway.
        isolate: false,
        reporters: [collector],
        hookTimeout: 10_000,
        teardownTimeout: 5_000,
        // Node loads the precompiled library itself (vitest externalises what it does not transform).
        server: { deps: { external: options.libBundle ? [new RegExp(`^${escape(options.libBundle + sep)}`)] : [] } },
        // The project has a vite server of its own: the slots' copies and the redirect to the
        // precompiled modules go into it (plugins given to the root server never see the test files).
        projects: [
          {
            extends: true,
            plugins: [slots(options.root), ...(options.libBundle ? [precompiled(options.root, options.libBundle)] : [])],
            test: { name: PROJECT, include: [join(options.root, "grader/exercises/*.test.ts")] },
          },
        ],
      },
      { cacheDir: options.cacheDir, logLevel: "silent" },
    );
    return new GradingRunner(vitest, collector, options.root, options.projects);
  }

  /**
   * Runs the given files of each project with its settings; resolves with what each file
   * reported, keyed by `project + "\n" + file`, when the run ends or `deadline` (process clock, ms)
   * passes, whichever is first.
   */
  async run(runs: ProjectRun[], deadline: number): Promise<Map<string, ModuleOutcome>> {
    const outcomes = new Map<string, ModuleOutcome>();
    const byModule = new Map<string, ModuleOutcome>();
    const specs = [];
    const durations = readDurations(this.root);
    const project = this.vitest.getProjectByName(PROJECT);
    const settings: Record<string, GradingSettings> = {};
    for (const r of runs) {
      if (!this.slots.includes(r.project)) throw new Error(`no slot named ${r.project} in this runner (it has ${this.slots.join(", ")})`);
      settings[r.project] = r.settings;
      for (const file of longestFirst(r.files, durations)) {
        const outcome: ModuleOutcome = { tests: [], errors: [], ended: false };
        const moduleId = slotFile(r.project, file, this.slots[0]);
        outcomes.set(key(r.project, file), outcome);
        byModule.set(moduleId, outcome);
        specs.push(project.createSpecification(moduleId));
      }
    }
    // The first slot's settings are also the plain ones (what a test file run by itself reads).
    project.provide(SETTINGS_KEY, settings[this.slots[0]] ?? runs[0]?.settings);
    project.provide(SLOTS_KEY, settings);
    this.collector.outcomes = byModule;
    trace(`vitest: ${specs.length} test file(s) of ${runs.length} submission(s), one slot each; ${keptThreadCount()} worker thread(s) kept from the last run`);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeLeft = deadline - Number(process.hrtime.bigint() / 1_000_000n);
    const overtime = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        trace("vitest: the deadline passed; cancelling the run");
        void this.vitest.cancelCurrentRun("test-failure").catch(() => {});
        resolve();
      }, Math.max(0, timeLeft));
    });
    try {
      await Promise.race([this.vitest.runTestSpecifications(specs, false).then(() => undefined), overtime]);
    } catch (error) {
      trace(`vitest: the run failed: ${(error as Error).message}`);
    } finally {
      clearTimeout(timer);
      this.collector.outcomes = new Map();
    }
    recordDurations(this.root, outcomes);
    return outcomes;
  }

  async close(): Promise<void> {
    const project = this.vitest.getProjectByName(PROJECT);
    await this.vitest.close().catch(() => {});
    await endKeptThreads(project);
  }
}

/** The reporter: records each test's result and each file's errors as they come. */
class Collector implements Reporter {
  /** By module id: a slot's copy or a test file itself. */
  outcomes = new Map<string, ModuleOutcome>();
  constructor(private readonly onLog?: (text: string) => void) {}

  private of(m: TestModule): ModuleOutcome | undefined {
    return this.outcomes.get(m.moduleId);
  }

  onTestCaseResult(test: TestCase): void {
    const result = test.result();
    const meta = (test.meta() as Record<string, unknown>)[META_KEY] as GradedMeta | undefined;
    this.of(test.module)?.tests.push({
      name: test.name,
      state: result.state,
      errors: errorsOf(result.errors),
      meta: meta ?? null,
      durationMs: test.diagnostic()?.duration ?? 0,
    });
    if (tracing()) trace(`  ${test.module.moduleId.split("/").pop()} ${Math.round(test.diagnostic()?.duration ?? 0)} ms: ${test.name}`);
  }

  onTestModuleEnd(m: TestModule): void {
    const outcome = this.of(m);
    if (!outcome) return;
    outcome.ended = true;
    outcome.durationMs = m.diagnostic().duration;
    outcome.errors = errorsOf(m.errors());
    const printed = (m.meta() as Record<string, unknown>)[PRINTED_KEY] as Printed | undefined;
    if (printed) outcome.printed = printed;
    if (tracing()) trace(`vitest: ${m.moduleId.split("/").pop()} done in ${Math.round(m.diagnostic().duration)} ms`);
  }

  onUserConsoleLog(log: { content: string }): void {
    this.onLog?.(log.content);
  }
}

/**
 * How long each graded test file took when a submission passed all of its tests, kept between
 * grading calls (by file name, ms). A right answer is the most a file costs: the tests of a wrong
 * one stop at their first failing case. The files start longest first, so that the two or three
 * files of a submission that cost most do not start last and leave a core idle at the end (a
 * whole submission: about a second and a half less). Without figures, the files keep their order.
 */
const durationsFile = (root: string): string => join(root, "node_modules", ".cache", "replication-lab-grader", "durations.json");

function readDurations(root: string): Record<string, number> {
  try {
    const read = JSON.parse(readFileSync(durationsFile(root), "utf8")) as unknown;
    return read && typeof read === "object" ? (read as Record<string, number>) : {};
  } catch {
    return {};
  }
}

function longestFirst(files: string[], durations: Record<string, number>): string[] {
  const known = (file: string): number => {
    const ms = durations[basename(file)];
    return typeof ms === "number" && Number.isFinite(ms) ? ms : Infinity; // unknown: first, as vitest does
  };
  return [...files].sort((a, b) => known(b) - known(a));
}

function recordDurations(root: string, outcomes: Map<string, ModuleOutcome>): void {
  const passed = [...outcomes].filter(([, o]) => o.ended && o.durationMs !== undefined && o.errors.length === 0 && o.tests.length > 0 && o.tests.every((t) => t.state === "passed"));
  if (passed.length === 0) return;
  try {
    const durations = readDurations(root);
    for (const [key, o] of passed) durations[basename(key)] = Math.round(o.durationMs!);
    const path = durationsFile(root);
    const scratch = `${path}.${process.pid}.${Date.now()}`;
    writeFileSync(scratch, JSON.stringify(durations, null, 1));
    renameSync(scratch, path); // whole, whatever other grading call writes at the same time
  } catch {
    // a read-only cache: the order stays as it was
  }
}

function errorsOf(errors: ReadonlyArray<{ name?: string; message?: string; stack?: string }> | undefined): SerializedError[] {
  return (errors ?? []).slice(0, 3).map((e) => ({
    name: String(e.name ?? "Error"),
    message: String(e.message ?? "").slice(0, MESSAGE_CHARS_MAX),
    stack: String(e.stack ?? "").slice(0, MESSAGE_CHARS_MAX),
  }));
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Serves the slots' copies of the test files: `grader/exercises/.pK/NN-name.test.ts` is the source
 * of `grader/exercises/NN-name.test.ts`, and what it imports is resolved from the real file's
 * folder, so both load the same helpers (and the precompiled library, `precompiled` below).
 */
export function slots(root: string): Plugin {
  // vite may name a file under the root by its path from the root ("/grader/…") or as "/@fs/…".
  const full = (id: string): string => {
    const path = id.startsWith("/@fs/") ? id.slice(4) : id;
    return path.startsWith(root + sep) ? path : join(root, path);
  };
  return {
    name: "replication-lab:slots",
    enforce: "pre",
    async resolveId(source, importer, options) {
      if (isAbsolute(source) && slotOf(source).slot) return full(source);
      if (!importer || !source.startsWith(".")) return null;
      const { slot, real } = slotOf(full(importer));
      if (!slot) return null;
      return this.resolve(source, real, { ...options, skipSelf: true });
    },
    load(id) {
      const { slot, real } = slotOf(full(id));
      return slot ? readFileSync(real, "utf8") : null;
    },
  };
}

/**
 * Sends imports of lib/ and the graded tests' helpers to their precompiled modules
 * (lib-bundle.ts), which the workers load natively instead of transforming the same code again
 * for every test file. The test files themselves are still transformed.
 */
export function precompiled(root: string, bundle: string): Plugin {
  const rootDir = root + sep;
  return {
    name: "replication-lab:precompiled",
    enforce: "pre",
    async resolveId(source, importer, options) {
      if (!importer || !(source.startsWith(".") || isAbsolute(source))) return null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      if (!resolved || !resolved.id.startsWith(rootDir) || !resolved.id.endsWith(".ts") || resolved.id.endsWith(".test.ts")) return null;
      const target = join(bundle, resolved.id.slice(rootDir.length).replace(/\.ts$/, ".mjs"));
      return existsSync(target) ? target : null;
    },
  };
}

/**
 * Runs the graded test files with vitest, in this process, and collects what each test reported.
 *
 * The graded tests are the grader's own code: no student code runs in this process or in vitest's
 * worker threads (each submission's code runs in sandbox processes the tests start, student.ts).
 * So vitest runs here, one project per submission, each handed its grading settings with
 * `provide`; results come from an in-process reporter. A test that never reports, or a run cut
 * short by the call's deadline, is failed by the scorer from the manifest.
 *
 * A runner can be kept and run again (the notebook judge does: grader/judge-server.ts), which
 * saves vitest's start-up on every check.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { basename, isAbsolute, join, sep } from "node:path";
import type { Plugin } from "vite";
import type { Reporter, TestCase, TestModule, Vitest } from "vitest/node";
import type { GradedMeta } from "../graded";
import { META_KEY } from "../graded-defaults";
import { SETTINGS_KEY, type GradingSettings } from "../settings";
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
}

export interface RunnerOptions {
  root: string;
  /** vite's cache folder (the grader's own copy may be read-only). */
  cacheDir: string;
  maxWorkers: number;
  /** lib/ and the tests' helpers precompiled (lib-bundle.ts), loaded in place of their sources. */
  libBundle?: string;
  /** Projects this runner can run, by name: one per submission graded at once. */
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

export class GradingRunner {
  private constructor(
    private readonly vitest: Vitest,
    private readonly collector: Collector,
    private readonly root: string,
  ) {}

  static async create(options: RunnerOptions): Promise<GradingRunner> {
    const { createVitest } = await import("vitest/node");
    const collector = new Collector(options.onLog);
    const vitest = await createVitest(
      "test",
      {
        root: options.root,
        config: false,
        watch: false,
        pool: "threads",
        maxWorkers: options.maxWorkers,
        fileParallelism: true,
        // A worker thread runs the test files of one submission in turn (vitest never hands it to
        // another project), loading the library and warming its code once: the files are the
        // grader's own, and each exercise's student code is in its own sandbox process anyway.
        isolate: false,
        reporters: [collector],
        hookTimeout: 10_000,
        teardownTimeout: 5_000,
        // Node loads the precompiled library itself (vitest externalises what it does not transform).
        server: { deps: { external: options.libBundle ? [new RegExp(`^${escape(options.libBundle + sep)}`)] : [] } },
        // Each project has a vite server of its own: the redirect to the precompiled modules goes
        // into every project (plugins given to the root server alone never see the test files).
        projects: options.projects.map((name) => ({
          extends: true,
          plugins: options.libBundle ? [precompiled(options.root, options.libBundle)] : [],
          test: { name, include: [join(options.root, "grader/exercises/*.test.ts")] },
        })),
      },
      { cacheDir: options.cacheDir, logLevel: "silent" },
    );
    return new GradingRunner(vitest, collector, options.root);
  }

  /**
   * Runs the given files of each project with its settings; resolves with what each file
   * reported, keyed by `project + "\n" + file`, when the run ends or `deadline` (process clock, ms)
   * passes, whichever is first.
   */
  async run(runs: ProjectRun[], deadline: number): Promise<Map<string, ModuleOutcome>> {
    const outcomes = new Map<string, ModuleOutcome>();
    const specs = [];
    const durations = readDurations(this.root);
    for (const r of runs) {
      const project = this.vitest.getProjectByName(r.project);
      project.provide(SETTINGS_KEY, r.settings);
      for (const file of longestFirst(r.files, durations)) {
        outcomes.set(key(r.project, file), { tests: [], errors: [], ended: false });
        specs.push(project.createSpecification(file));
      }
    }
    this.collector.outcomes = outcomes;
    trace(`vitest: ${specs.length} test file(s) in ${runs.length} project(s)`);
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
    await this.vitest.close().catch(() => {});
  }
}

/** The reporter: records each test's result and each file's errors as they come. */
class Collector implements Reporter {
  outcomes = new Map<string, ModuleOutcome>();
  constructor(private readonly onLog?: (text: string) => void) {}

  private of(m: TestModule): ModuleOutcome | undefined {
    return this.outcomes.get(key(m.project.name, m.moduleId));
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

/**
 * Grading one or more submissions: stage, screen, compile, run, score.
 *
 * 1. Stage: copy each submission's exercise files into a fresh scratch folder (so the run sees a
 *    frozen copy, and `../lib` resolves to this project's library wherever the files came from).
 * 2. Screen: reject files that reach for the process, the file system, the network, the grader
 *    or built-ins (screen.ts).
 * 3. Compile: syntax and type errors, including a signature that no longer fits the grader's calls
 *    (while step 4 starts: a file that does not compile scores zero whatever its tests did).
 * 4. Run: every screened exercise's graded tests in one vitest process (run-vitest.ts), each
 *    submission its own project; a module stuck past its limit, or whose worker died (out of
 *    memory), is rerun one test at a time so that only the tests that loop or blow up lose points.
 * 5. Score: from the runner's results and the manifest only (score.ts).
 * Every exercise of every submission gets a report, whatever fails along the way.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { ENV } from "../graded";
import { hiddenSeedKey, randomSecret, SEED_KEYS_ENV } from "../seeds";
import { compileErrorsMany } from "./compile";
import type { Exercise } from "./exercises";
import { roundScore, type GradeReport } from "./report";
import { runModules, type ModuleJob, type ModuleOutcome } from "./run-vitest";
import { scoreExercise, type ExerciseOutcome } from "./score";
import { screenSource } from "./screen";
import { libBundle } from "./lib-bundle";
import { trace } from "./trace";

export interface Submission {
  /** Where the exercise files are: `<dir>/NN-name.ts`. */
  dir: string;
  /** Overrides per exercise name, e.g. a known-wrong variant in place of one exercise. */
  files?: Map<string, string>;
  /** How the folder is shown to the student ("exercises"). */
  display: string;
  /** Exercises to grade for this submission (default: all of options.exercises). */
  only?: string[];
}

export interface GradeOptions {
  root: string;
  exercises: Exercise[];
  publicOnly?: boolean;
  /** The hidden-seed secret; a random one when absent (hidden cases still run, on fresh seeds). */
  secret?: string;
  /** Show hidden tests' cases and seeds (instructors). */
  revealHidden?: boolean;
  /** Limit of one exercise's test file, in CPU seconds of its worker (wall-clock without /proc). */
  exerciseTimeoutMs?: number;
  /** Limit of the whole call. */
  timeoutMs?: number;
  maxWorkers?: number;
  memoryMb?: number;
  /**
   * Let a test worker run several test files of one submission in turn, loading the library once.
   * vitest reuses a worker only within its project, and each submission is a project of its own,
   * so one submission's code never shares a process with another's. Default: on.
   */
  shareWorkers?: boolean;
  /** Static screening (on unless a self-test checks the runtime defences alone). */
  screen?: boolean;
  /** Rerun one case: the seed or the label given to `npm run replay`. */
  replay?: { seed?: number; label?: string; draw?: boolean };
  onLog?: (stream: "stdout" | "stderr", text: string) => void;
}

export const DEFAULTS = {
  exerciseTimeoutMs: 20_000,
  timeoutMs: 240_000,
  memoryMb: 512,
  /** Added to a test's own limit (capped by the exercise's) when it is rerun alone: worker start, imports. */
  perTestGraceMs: 2_000,
  testTimeoutMs: 10_000,
  fileBytesMax: 512 * 1024,
};

const now = (): number => Number(process.hrtime.bigint() / 1_000_000n);

export async function gradeSubmissions(submissions: Submission[], options: GradeOptions): Promise<GradeReport[]> {
  const started = now();
  const deadline = started + (options.timeoutMs ?? DEFAULTS.timeoutMs);
  const secret = options.secret ?? randomSecret();
  const keys = Object.fromEntries(options.exercises.map((e) => [e.id, hiddenSeedKey(secret, e.id)]));
  const redact = [secret, ...Object.values(keys)];
  const workDir = realpathSync(mkdtempSync(join(tmpdir(), "rl-grade-")));
  try {
    trace(`staging and screening ${submissions.length} submission(s)`);
    const staged = submissions.map((s, i) => stage(s, i, workDir, options));
    const jobs: ModuleJob[] = [];
    const workerEnv = baseWorkerEnv(options, keys);
    for (const [i, s] of staged.entries()) {
      for (const e of s.exercises) {
        if (s.outcomes.has(e.name)) continue;
        jobs.push({ key: `${i}/${e.name}`, file: e.testFile, submissionDir: s.stageDir, env: workerEnv, limitMs: options.exerciseTimeoutMs ?? DEFAULTS.exerciseTimeoutMs });
      }
    }
    const runOptions = {
      root: options.root,
      workDir,
      maxWorkers: options.maxWorkers ?? Math.max(1, Math.min(availableParallelism(), 4)),
      isolate: !(options.shareWorkers ?? true),
      libBundle: jobs.length > 0 ? await libBundle(options.root) : undefined,
      memoryMb: options.memoryMb ?? DEFAULTS.memoryMb,
      // Code only: never grader/ itself, where a local secret file may live.
      readPaths: [join(options.root, "node_modules"), join(options.root, "grader", "exercises")],
      deadline,
      onLog: options.onLog,
    };
    // The compile check runs while vitest starts and runs the tests (it needs a second or two of
    // CPU, vitest as long to start); results of files that do not compile are then set aside.
    const running = jobs.length > 0 ? runModules(jobs, runOptions) : Promise.resolve(new Map<string, ModuleOutcome>());
    trace("compiling");
    compile(staged, options);
    trace("compiled");
    const outcomes = await running;
    const compiled = jobs.filter((job) => !staged[Number(job.key.split("/")[0])].outcomes.has(job.key.slice(job.key.indexOf("/") + 1)));
    const retried = await rerunHungTests(compiled, outcomes, options, runOptions);
    trace("scoring");

    return staged.map((s, i) => {
      const exercises = s.exercises.map((e) => {
        const tests = e.tests.filter((t) => !(options.publicOnly && t.visibility === "hidden"));
        const outcome = s.outcomes.get(e.name) ?? toOutcome(outcomes.get(`${i}/${e.name}`), retried.get(`${i}/${e.name}`));
        return scoreExercise(e, tests, outcome, {
          file: `${s.display}/${e.name}.ts`,
          revealHidden: options.revealHidden ?? false,
          redact,
          stagePath: s.stageDir,
          displayDir: s.display,
        });
      });
      const ran = !options.publicOnly && exercises.some((e) => e.tests.some((t) => t.visibility === "hidden"));
      return {
        score: roundScore(exercises.reduce((sum, e) => sum + e.score, 0)),
        maxScore: roundScore(exercises.reduce((sum, e) => sum + e.maxScore, 0)),
        exercises,
        target: s.display,
        publicOnly: options.publicOnly ?? false,
        hiddenSeeds: !ran ? "not run" : options.secret ? "secret" : "random",
        durationMs: now() - started,
      };
    });
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

interface Staged {
  stageDir: string;
  display: string;
  exercises: Exercise[];
  /** Exercises decided without their test results: missing, rejected, not compiling. */
  outcomes: Map<string, ExerciseOutcome>;
}

function stage(s: Submission, index: number, workDir: string, options: GradeOptions): Staged {
  const jobDir = join(workDir, "jobs", `j${index}`);
  const stageDir = join(jobDir, "exercises");
  mkdirSync(stageDir, { recursive: true });
  symlinkSync(join(options.root, "lib"), join(jobDir, "lib"), "dir");
  const exercises = s.only ? options.exercises.filter((e) => s.only!.includes(e.id) || s.only!.includes(e.name)) : options.exercises;
  const outcomes = new Map<string, ExerciseOutcome>();
  for (const e of exercises) {
    const source = s.files?.get(e.name) ?? join(s.dir, `${e.name}.ts`);
    const shown = `${s.display}/${e.name}.ts`;
    if (!existsSync(source) || !statSync(source).isFile()) {
      outcomes.set(e.name, { kind: "problem", message: `${shown} is missing, so this exercise scores zero` });
      continue;
    }
    if (statSync(source).size > DEFAULTS.fileBytesMax) {
      outcomes.set(e.name, { kind: "problem", message: `${shown} is over ${DEFAULTS.fileBytesMax} bytes; not graded` });
      continue;
    }
    const staged = join(stageDir, `${e.name}.ts`);
    copyFileSync(source, staged);
    if (options.screen !== false) {
      const findings = screenSource(staged, readFileSync(staged, "utf8"));
      if (findings.length > 0) {
        const lines = findings.slice(0, 5).map((f) => `${shown}:${f.line}: ${f.reason}`);
        outcomes.set(e.name, { kind: "problem", message: `rejected before running, so this exercise scores zero:\n${lines.join("\n")}` });
        continue;
      }
    }
  }
  return { stageDir, display: s.display, exercises, outcomes };
}

/** Records "does not compile" for the staged exercises with syntax or type errors (all submissions in one check). */
function compile(staged: Staged[], options: GradeOptions): void {
  const inputs = staged.map((s) => ({
    root: options.root,
    stageDir: s.stageDir,
    displayDir: s.display,
    exercises: new Map(s.exercises.filter((e) => !s.outcomes.has(e.name)).map((e) => [e.name, e.testFile])),
  }));
  compileErrorsMany(inputs).forEach((errors, i) => {
    for (const [name, list] of errors) {
      staged[i].outcomes.set(name, { kind: "problem", message: `does not compile, so this exercise scores zero:\n${list.join("\n")}` });
    }
  });
}

function baseWorkerEnv(options: GradeOptions, keys: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = { [SEED_KEYS_ENV]: JSON.stringify(keys) };
  if (options.publicOnly) env[ENV.publicOnly] = "1";
  if (options.replay?.seed !== undefined) env[ENV.replaySeed] = String(options.replay.seed);
  if (options.replay?.label !== undefined) env[ENV.replayCase] = options.replay.label;
  if (options.replay?.draw) env[ENV.draw] = "1";
  return env;
}

/**
 * A module that hung after loading is rerun one test per worker, so only the tests that loop
 * lose their points and the result does not depend on timing. A module that never finished
 * loading is not retried: every test needs the module.
 */
async function rerunHungTests(
  jobs: ModuleJob[],
  outcomes: Map<string, ModuleOutcome>,
  options: GradeOptions,
  runOptions: Parameters<typeof runModules>[1],
): Promise<Map<string, Map<string, ModuleOutcome>>> {
  const perTest: ModuleJob[] = [];
  const owner = new Map<string, { module: string; test: string }>();
  for (const job of jobs) {
    const outcome = outcomes.get(job.key);
    if (!(outcome?.kind === "hung" || outcome?.kind === "died") || !outcome.loaded) continue;
    const exercise = options.exercises.find((e) => e.testFile === job.file)!;
    // Tests that reported before the module was stopped keep that result: a test's result does
    // not depend on timing, so rerunning it would give the same.
    const reported = new Set(outcome.tests.map((t) => t.name));
    for (const t of exercise.tests) {
      if ((options.publicOnly && t.visibility === "hidden") || reported.has(t.name)) continue;
      const key = `${job.key}#${t.name}`;
      owner.set(key, { module: job.key, test: t.name });
      const limitMs = Math.min(t.timeoutMs ?? DEFAULTS.testTimeoutMs, job.limitMs) + DEFAULTS.perTestGraceMs;
      perTest.push({ ...job, key, env: { ...job.env, [ENV.onlyTest]: t.name }, limitMs });
    }
  }
  const byModule = new Map<string, Map<string, ModuleOutcome>>();
  if (perTest.length === 0) return byModule;
  const results = await runModules(perTest, runOptions);
  for (const [key, outcome] of results) {
    const { module, test } = owner.get(key)!;
    const map = byModule.get(module) ?? new Map<string, ModuleOutcome>();
    map.set(test, outcome);
    byModule.set(module, map);
  }
  return byModule;
}

function toOutcome(outcome: ModuleOutcome | undefined, perTest: Map<string, ModuleOutcome> | undefined): ExerciseOutcome {
  const limitS = (ms: number) => `${Math.round(ms / 100) / 10} s`;
  if (!outcome) return { kind: "problem", message: "the test runner produced no result for this exercise" };
  if (outcome.kind === "crashed") return { kind: "ran", tests: byName(outcome.tests), moduleErrors: [], killed: new Map(), stopped: outcome.message };
  if (outcome.kind === "finished") return { kind: "ran", tests: byName(outcome.tests), moduleErrors: outcome.errors, killed: new Map() };
  if (outcome.kind === "died" && !outcome.loaded) return { kind: "problem", message: `loading the exercise failed: ${outcome.message}` };
  if (outcome.kind === "hung" && !outcome.loaded) {
    return {
      kind: "problem",
      message: `loading the exercise never finished: it was stopped after ${limitS(outcome.limitMs)} of CPU time (an infinite loop or a never-settling await at the top level of the file?)`,
    };
  }
  // Hung or died while running: the tests that had not reported were rerun one by one.
  const tests = byName(outcome.tests);
  const killed = new Map<string, string>();
  for (const [name, o] of perTest ?? []) {
    const event = o.tests.find((t) => t.name === name);
    if (o.kind === "hung") {
      killed.set(name, `never finished: stopped after ${limitS(o.limitMs)} of CPU time (an infinite loop in synchronous code?)`);
    } else if (o.kind === "died") killed.set(name, o.message);
    else if (event) tests.set(name, event);
    else if (o.kind === "crashed") killed.set(name, o.message);
    else if (o.errors[0]) killed.set(name, `the exercise failed to load: ${o.errors[0].name}: ${o.errors[0].message}`);
  }
  return { kind: "ran", tests, moduleErrors: [], killed };
}

function byName(tests: ModuleOutcome["tests"]): Map<string, ModuleOutcome["tests"][number]> {
  return new Map(tests.map((t) => [t.name, t]));
}

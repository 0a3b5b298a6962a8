/**
 * Grading one or more submissions: stage, screen, compile, run, score.
 *
 * 1. Stage: copy each submission's exercise files into a fresh scratch folder (so the run sees a
 *    frozen copy, and `../lib` resolves to this project's library wherever the files came from).
 * 2. Screen: a tripwire with clear messages for files that reach for the process, the file
 *    system, the network, the grader or built-ins (screen.ts). Not the sandbox.
 * 3. Compile: each exercise file to one ES module with esbuild, without types (transpile.ts); a
 *    syntax error scores zero. The type check runs beside the tests, in a worker thread, and its
 *    errors are reported with the result (typecheck.ts).
 * 4. Run: the graded tests of every submission in one vitest run and project, one slot per
 *    submission, whose worker threads go from one submission to the next (run-vitest.ts). The tests run the grader's code only; each exercise's code runs in sandbox
 *    processes the tests start and question (student.ts, sandbox/).
 * 5. Score: from the tests' results and the manifest only (score.ts).
 * Every exercise of every submission gets a report, whatever fails along the way.
 */
import { copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, statSync, symlinkSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { lookAlikeMessage, lookAlikes, MAX_LOOK_ALIKE_CANDIDATES, mightBeMisnamed } from "../platforms/look-alike";
import { isolation } from "../sandbox/launch";
import { sandboxRuntime } from "../sandbox/runtime";
import { hiddenSeedKey, randomSecret } from "../seeds";
import type { GradingSettings } from "../settings";
import type { Exercise } from "./exercises";
import { libBundle } from "./lib-bundle";
import { roundScore, type GradeReport } from "./report";
import { GradingRunner, type ModuleOutcome, type ProjectRun } from "./run-vitest";
import { scoreExercise, type ExerciseOutcome } from "./score";
import { LimitedWorker, tsWorkerScript } from "./limited-worker";
import { Screener } from "./screener";
import { trace } from "./trace";
import { compileLimited } from "./compiler";
import type { TranspileJob } from "./transpile";
import { TypeChecker } from "./type-checker";

export interface Submission {
  /** Where the exercise files are: `<dir>/NN-name.ts`. */
  dir: string;
  /** Overrides per exercise name, e.g. a known-wrong variant in place of one exercise. */
  files?: Map<string, string>;
  /** How the folder is shown to the student ("exercises"). */
  display: string;
  /** Exercises to grade for this submission (default: all of options.exercises). */
  only?: string[];
  /**
   * What replay commands name with `--target` (default: `display`): the submission as a batch was
   * given it (a folder or a zip), when `dir` is a scratch copy of its exercise files.
   */
  replayTarget?: string;
  /**
   * Exercise name -> files of the upload that look like its file, missing or there (copies of it),
   * when `dir` was staged from an upload (platforms/collect.ts). Without it, look-alikes are
   * looked for in `dir` itself (a student's own exercises/ folder).
   */
  lookAlikes?: Record<string, string[]>;
  /**
   * Exercise name -> why the upload's file of that name was not taken (too large, unreadable, not
   * a file; platforms/collect.ts), said in that exercise's message instead of "missing".
   */
  refused?: Record<string, string>;
  /**
   * Exercise name -> its file as the student uploaded it (`hw/lab/05-leader-election.ts`: its path
   * in the upload, platforms/collect.ts uploadedNames), when `dir` was staged from an upload. The
   * report and every message about the file (compiler, type check, screen, the code's own errors)
   * name it so; without it, `<display>/NN-name.ts`.
   */
  uploadedAs?: Record<string, string>;
}

export interface GradeOptions {
  root: string;
  exercises: Exercise[];
  publicOnly?: boolean;
  /** The hidden-seed secret; a random one when absent (hidden cases still run, on fresh seeds). */
  secret?: string;
  /** Show hidden tests' cases and seeds (instructors). */
  revealHidden?: boolean;
  /** CPU time one exercise's code may use in all (sandbox processes), ms. */
  exerciseTimeoutMs?: number;
  /** Limit of the whole call. */
  timeoutMs?: number;
  /** Test worker threads (each drives one sandbox at a time). */
  maxWorkers?: number;
  /** Heap limit of a sandbox, MB. */
  memoryMb?: number;
  /**
   * Sandboxes run V8 without helper threads: less CPU time, more wall time per sandbox (a
   * batch's choice, where the machine's CPU time is what the class waits for; grader/SPEED.md).
   */
  singleThreadedSandboxes?: boolean;
  /** Static screening (on unless a self-test checks the runtime defences alone). */
  screen?: boolean;
  /** Type errors reported beside the result (on unless a caller has no use for them). */
  typeCheck?: boolean;
  /**
   * How long to wait for the type check once the tests are done, ms (default: as long as it
   * takes, up to its own limit). The notebook judge does not hold a result for it: type errors
   * that are not ready then are left out and the report says the type check was still running.
   */
  typeCheckWaitMs?: number;
  /**
   * Time one type check may take, ms (default 120 s, and never past the call's limit): the check
   * of all submissions together, and then, if that is stopped, of each submission alone.
   */
  typeCheckLimitMs?: number;
  /** CPU time the screen may take over one file, ms (SCREEN_CPU_MS in screener.ts). */
  screenLimitMs?: number;
  /** CPU time the build of all files may take, and of one file alone, ms (compiler.ts). */
  compileLimitMs?: { allMs: number; aloneMs: number };
  /** Rerun one case: the seed or the label given to `npm run replay`. */
  replay?: { seed?: number; label?: string; draw?: boolean };
  /** Run only the graded test of this exact name (the replay command's `--test`); the others are skipped. */
  onlyTest?: string;
  /** Receives what tests (and, when replaying, the student's code) print. */
  onLog?: (text: string) => void;
  /** A kept runner and type checker (the notebook judge's), instead of new ones for this call. */
  warm?: Warm;
}

/** What a long-lived caller keeps between grading calls. */
export interface Warm {
  runner: GradingRunner;
  /** The slot names the runner has; a call uses the first ones. */
  projects: string[];
  typeChecker: TypeChecker;
  /** A kept screener; a call without one starts its own. */
  screener?: Screener;
}

export const DEFAULTS = {
  exerciseTimeoutMs: 20_000,
  timeoutMs: 240_000,
  memoryMb: 512,
  fileBytesMax: 512 * 1024,
};

const now = (): number => Number(process.hrtime.bigint() / 1_000_000n);

interface Staged {
  jobDir: string;
  stageDir: string;
  buildDir: string;
  display: string;
  replayTarget: string;
  exercises: Exercise[];
  /** Exercise name -> files beside it that look like copies of it (`06-fencing copy.ts`), shown as in the report. */
  copies: Map<string, string[]>;
  /**
   * Staged file name ("05-leader-election.ts") -> the file as messages name it: as uploaded
   * (Submission.uploadedAs), else `<display>/NN-name.ts`.
   */
  shown: Record<string, string>;
  /** Exercises decided without their test results: missing, rejected, not compiling. */
  outcomes: Map<string, ExerciseOutcome>;
}

export async function gradeSubmissions(submissions: Submission[], options: GradeOptions): Promise<GradeReport[]> {
  const started = now();
  const deadline = started + (options.timeoutMs ?? DEFAULTS.timeoutMs);
  const secret = options.secret ?? randomSecret();
  const keys = Object.fromEntries(options.exercises.map((e) => [e.id, hiddenSeedKey(secret, e.id)]));
  const redact = [secret, ...Object.values(keys)];
  const workDir = realpathSync(mkdtempSync(join(tmpdir(), "rl-grade-")));
  const owned: { runner?: GradingRunner; tsWorker?: LimitedWorker } = {};
  let starting: Promise<GradingRunner> | undefined;
  try {
    const bundle = libBundle(options.root);
    const runtime = sandboxRuntime(options.root);
    // Without a kept runner, vitest starts (a second or two) while the files are staged and compiled.
    const warmRunner = options.warm && submissions.length <= options.warm.projects.length ? options.warm.runner : undefined;
    if (!warmRunner) {
      starting = bundle.then((libBundle) =>
        GradingRunner.create({
          root: options.root,
          cacheDir: join(workDir, "vite-cache"),
          maxWorkers: options.maxWorkers ?? Math.max(1, Math.min(availableParallelism(), 4)),
          libBundle,
          projects: submissions.map((_, i) => `p${i}`),
          onLog: options.onLog,
        }),
      );
      starting.then((runner) => (owned.runner = runner)).catch(() => {});
    }
    trace(`staging ${submissions.length} submission(s)`);
    const staged = submissions.map((s, i) => stage(s, i, workDir, options));
    // One worker thread reads the files for this call, each step held to a limit of CPU time: the
    // screen, esbuild, then the type check. The notebook judge (a kept runner) brings its own
    // screener and type checker, and compiles in this thread: there a slow file costs only its
    // author's time.
    const script = tsWorkerScript(await bundle);
    if (script && !options.warm) (owned.tsWorker = new LimitedWorker(script)).start();
    const screener = options.screen === false ? undefined : (options.warm?.screener ?? new Screener(owned.tsWorker));
    // esbuild only gets the files the screen let through: its parser has no limit, and chains of
    // comparisons tens of thousands long, which run TypeScript's parser out of stack at once (so the
    // screen refuses them), take it minutes.
    if (screener) await screen(screener, staged, options.screenLimitMs, deadline - now());
    trace("screened");
    await compile(options.root, staged, owned.tsWorker, deadline - now(), options.compileLimitMs);
    trace("compiled");

    const typeChecker = options.warm?.typeChecker ?? (options.typeCheck === false ? undefined : new TypeChecker(owned.tsWorker));
    const typeErrors = typeChecker ? typeCheck(typeChecker, options.root, staged, Math.max(1_000, Math.min(options.typeCheckLimitMs ?? 120_000, deadline - now())), deadline - now()) : Promise.resolve(staged.map(() => new Map<string, string[]>()));
    typeErrors.then(() => trace("type check done"), () => {});

    const runs: ProjectRun[] = [];
    const runtimeDir = await runtime;
    staged.forEach((s, i) => {
      const files = s.exercises.filter((e) => !s.outcomes.has(e.name)).map((e) => e.testFile);
      if (files.length === 0) return;
      runs.push({ project: `p${runs.length}`, files, settings: settingsFor(s, runtimeDir, keys, options) });
      (s as Staged & { project?: string }).project = runs[runs.length - 1].project;
    });
    let outcomes = new Map<string, ModuleOutcome>();
    if (runs.length > 0) {
      const runner = warmRunner ?? (await starting!);
      trace("vitest ready");
      if (warmRunner) runs.forEach((r, i) => (r.project = options.warm!.projects[i]));
      outcomes = await runner.run(runs, deadline);
    }
    trace("tests done");
    const noErrors = () => staged.map(() => new Map<string, string[]>());
    let pending = false;
    const waited =
      options.typeCheckWaitMs === undefined
        ? typeErrors
        : Promise.race([typeErrors, new Promise<undefined>((done) => setTimeout(done, options.typeCheckWaitMs).unref())]);
    const errors =
      (await waited.catch((error: Error) => {
        trace(`type check failed: ${error.message}`);
        return noErrors();
      })) ??
      ((pending = true), noErrors());
    trace("scoring");

    return staged.map((s, i) => {
      const project = (s as Staged & { project?: string }).project;
      const run = runs.find((r) => r.project === project);
      const exercises = s.exercises.map((e) => {
        const tests = e.tests.filter((t) => !(options.publicOnly && t.visibility === "hidden"));
        const outcome = s.outcomes.get(e.name) ?? toOutcome(run ? outcomes.get(`${run.project}\n${e.testFile}`) : undefined);
        const report = scoreExercise(e, tests, outcome, {
          file: s.shown[`${e.name}.ts`],
          shownFiles: s.shown,
          revealHidden: options.revealHidden ?? false,
          redact,
          stagePath: s.stageDir,
          buildPath: s.buildDir,
          displayDir: s.display,
          replayTarget: s.replayTarget,
          showPrinted: options.publicOnly === true,
          copies: s.copies.get(e.name),
        });
        const found = errors[i].get(e.name);
        return found && found.length > 0 ? { ...report, typeErrors: found } : report;
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
        ...(pending ? { typeCheckPending: true } : {}),
      };
    });
  } finally {
    owned.tsWorker?.close();
    await starting?.catch(() => undefined);
    await owned.runner?.close();
    rmSync(workDir, { recursive: true, force: true });
  }
}

function stage(s: Submission, index: number, workDir: string, options: GradeOptions): Staged {
  const jobDir = join(workDir, "jobs", `j${index}`);
  const stageDir = join(jobDir, "exercises");
  const buildDir = join(jobDir, "build");
  mkdirSync(stageDir, { recursive: true });
  mkdirSync(buildDir, { recursive: true });
  symlinkSync(join(options.root, "lib"), join(jobDir, "lib"), "dir");
  const exercises = s.only ? options.exercises.filter((e) => s.only!.includes(e.id) || s.only!.includes(e.name)) : options.exercises;
  const outcomes = new Map<string, ExerciseOutcome>();
  const alike = exerciseLookAlikes(s, exercises, options.exercises);
  const shownFiles = Object.fromEntries(
    exercises.map((e) => [`${e.name}.ts`, s.uploadedAs && Object.hasOwn(s.uploadedAs, e.name) ? s.uploadedAs[e.name] : `${s.display}/${e.name}.ts`]),
  );
  for (const e of exercises) {
    const source = s.files?.get(e.name) ?? join(s.dir, `${e.name}.ts`);
    const shown = shownFiles[`${e.name}.ts`];
    if (existsSync(source) && lstatSync(source).isSymbolicLink()) {
      // A link could point anywhere this process may read (the secret file): its text would come
      // back in a compiler message.
      outcomes.set(e.name, { kind: "problem", message: `${shown} is a link, not a file, so this exercise scores zero` });
      continue;
    }
    const refused = s.refused && Object.hasOwn(s.refused, e.name) ? s.refused[e.name] : undefined;
    if (refused !== undefined && !existsSync(source)) {
      outcomes.set(e.name, { kind: "problem", message: `${refused}: not graded, so this exercise scores zero` });
      continue;
    }
    if (!existsSync(source) || !statSync(source).isFile()) {
      const found = alike.files.get(`${e.name}.ts`);
      const message = found
        ? `${lookAlikeMessage(shown, `${e.name}.ts`, found, alike.again)}; until then this exercise scores zero (a file is graded only under its exact name)`
        : `${shown} is missing, so this exercise scores zero`;
      outcomes.set(e.name, { kind: "problem", message });
      continue;
    }
    if (statSync(source).size > DEFAULTS.fileBytesMax) {
      outcomes.set(e.name, { kind: "problem", message: `${shown} is over ${DEFAULTS.fileBytesMax} bytes; not graded` });
      continue;
    }
    copyFileSync(source, join(stageDir, `${e.name}.ts`));
  }
  // Look-alikes of files that are there: named if the file turns out to be an untouched stub.
  const copies = new Map(exercises.filter((e) => !outcomes.has(e.name)).flatMap((e) => (alike.files.has(`${e.name}.ts`) ? [[e.name, alike.files.get(`${e.name}.ts`)!] as const] : [])));
  return { jobDir, stageDir, buildDir, display: s.display, replayTarget: s.replayTarget ?? s.display, exercises, outcomes, copies, shown: shownFiles };
}

/**
 * Screens every staged file not yet decided (screener.ts): a file the screen rejects, or cannot
 * read (nested too deeply, or too slow to parse), scores zero for its own exercise, and nothing
 * else.
 */
async function screen(screener: Screener, staged: Staged[], limitMs: number | undefined, wallMs: number): Promise<void> {
  const files = staged.flatMap((s) => s.exercises.filter((e) => !s.outcomes.has(e.name)).map((e) => ({ s, e, path: join(s.stageDir, `${e.name}.ts`), shown: s.shown[`${e.name}.ts`] })));
  const results = await screener.screen(files, limitMs, wallMs);
  files.forEach(({ s, e, shown }, i) => {
    const findings = results[i];
    if (typeof findings !== "string" && findings.length === 0) return;
    // A refused file is not graded: a look-alike copy beside it is not news.
    s.copies.delete(e.name);
    if (typeof findings === "string") s.outcomes.set(e.name, { kind: "problem", message: findings });
    else {
      const lines = findings.slice(0, 5).map((f) => `${shown}:${f.line}: ${f.reason}`);
      s.outcomes.set(e.name, { kind: "problem", message: `rejected before running, so this exercise scores zero:\n${lines.join("\n")}` });
    }
  });
}

/**
 * Files that look like the submission's exercise files (`06-fencing copy.ts`), as shown in its
 * report, and what to do once one is renamed: named in a missing file's message, or in a present
 * file's if it is the untouched stub; never graded. An upload's were found by collectSubmission;
 * a folder of the student's own is looked at here, with the same matching (platforms/look-alike.ts).
 */
function exerciseLookAlikes(s: Submission, exercises: Exercise[], all: Exercise[]): { files: Map<string, string[]>; again: string } {
  if (s.lookAlikes) {
    return { files: new Map(Object.entries(s.lookAlikes).map(([name, files]) => [`${name}.ts`, files])), again: "submit again" };
  }
  // The present files' copies are looked for too: a stub beside a worked copy
  // (`06-fencing copy.ts`) scores "not implemented yet", and the copy is named then.
  const asked = exercises.filter((e) => !s.files?.has(e.name));
  if (asked.length === 0) return { files: new Map(), again: "" };
  const there = (e: Exercise) => existsSync(join(s.dir, `${e.name}.ts`));
  let names: string[] = [];
  try {
    names = readdirSync(s.dir, { withFileTypes: true })
      .filter((d) => d.isFile() && mightBeMisnamed(d.name))
      .slice(0, MAX_LOOK_ALIKE_CANDIDATES)
      .map((d) => d.name);
  } catch {
    // no folder to look in: every exercise is plainly missing
  }
  const file = (e: Exercise) => `${e.name}.ts`;
  const found = lookAlikes(asked.filter((e) => !there(e)).map(file), asked.filter(there).map(file), names, all.map(file));
  return { files: new Map([...found].map(([name, files]) => [name, files.map((f) => `${s.display}/${f}`)])), again: "grade again" };
}

/** Compiles every staged exercise not yet decided; a file that does not compile scores zero with esbuild's message. */
async function compile(root: string, staged: Staged[], worker: LimitedWorker | undefined, wallMs: number, limits?: { allMs: number; aloneMs: number }): Promise<void> {
  const jobs: { job: TranspileJob; s: Staged; name: string }[] = [];
  for (const s of staged) {
    for (const e of s.exercises) {
      if (s.outcomes.has(e.name)) continue;
      jobs.push({ s, name: e.name, job: { source: join(s.stageDir, `${e.name}.ts`), out: join(s.buildDir, `${e.name}.mjs`), displayDir: s.display, stageDir: s.stageDir, shownFiles: s.shown } });
    }
  }
  const failures = await compileLimited(worker, root, jobs.map((j) => j.job), wallMs, limits);
  for (const { job, s, name } of jobs) {
    const errors = failures.get(job);
    if (!errors) continue;
    const message = Array.isArray(errors)
      ? `does not compile, so this exercise scores zero:\n${errors.join("\n")}`
      : `${s.shown[`${name}.ts`]} ${errors.notCompiled}, so this exercise scores zero`;
    s.outcomes.set(name, { kind: "problem", message });
  }
}

/**
 * Type errors of every staged file that compiled, per submission. `limitMs` bounds one check (of
 * all submissions, or of one checked again alone), `budgetMs` all of them.
 */
function typeCheck(checker: TypeChecker, root: string, staged: Staged[], limitMs: number, budgetMs: number): Promise<Map<string, string[]>[]> {
  return checker.check(
    staged.map((s) => ({
      root,
      stageDir: s.stageDir,
      displayDir: s.display,
      shownFiles: s.shown,
      exercises: new Map(s.exercises.filter((e) => !s.outcomes.has(e.name)).map((e) => [e.name, e.testFile])),
    })),
    limitMs,
    budgetMs,
  );
}

function settingsFor(s: Staged, runtimeDir: string, keys: Record<string, string>, options: GradeOptions): GradingSettings {
  return {
    buildDir: s.buildDir,
    sourceDir: s.stageDir,
    runtimeDir,
    isolation: isolation(),
    memoryMb: options.memoryMb ?? DEFAULTS.memoryMb,
    singleThreaded: options.singleThreadedSandboxes ?? false,
    exerciseCpuMs: options.exerciseTimeoutMs ?? DEFAULTS.exerciseTimeoutMs,
    publicOnly: options.publicOnly ?? false,
    ...(options.replay ? { replay: options.replay } : {}),
    ...(options.onlyTest !== undefined ? { onlyTest: options.onlyTest } : {}),
    seedKeys: keys,
    showOutput: options.replay !== undefined && options.onLog !== undefined,
  };
}

function toOutcome(outcome: ModuleOutcome | undefined): ExerciseOutcome {
  if (!outcome) return { kind: "problem", message: "the test runner produced no result for this exercise" };
  const tests = new Map(outcome.tests.map((t) => [t.name, t]));
  const stopped = outcome.ended ? undefined : "not finished: the grading call's time limit ran out";
  return { kind: "ran", tests, moduleErrors: outcome.errors, ...(stopped ? { stopped } : {}), ...(outcome.printed ? { printed: outcome.printed } : {}) };
}

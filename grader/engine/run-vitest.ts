/**
 * Runs graded test modules in a vitest child process and watches the clock.
 *
 * One vitest process runs every module of a grading call (one project per submission), two
 * workers at a time. vitest's own per-test timeout ends a test stuck on a promise, but nothing in
 * a worker can stop a synchronous infinite loop: so the scorer times each module from the moment
 * a worker takes it, in CPU seconds of that worker (see overLimit). A module past its limit is
 * recorded as hung; once no other module is still making progress, the whole process group is
 * killed and a new vitest process runs the modules that had not started.
 * Results arrive over IPC from the reporter as they happen, so finished modules are kept.
 */
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { RunnerEvent, SerializedError } from "./events";
import { PLAN_ENV, type RunPlan } from "./plan";
import { trace } from "./trace";

export interface ModuleJob {
  /** Unique key of this module in the call. */
  key: string;
  /** The graded test file. */
  file: string;
  /** What the tests' `../../exercises/…` points at. */
  submissionDir: string;
  /** Environment of the worker (seed keys, filters). */
  env: Record<string, string>;
  /** Wall-clock limit from the moment a worker takes the module. */
  limitMs: number;
}

export type TestEvent = Extract<RunnerEvent, { type: "test" }>;

export type ModuleOutcome =
  | { kind: "finished"; tests: TestEvent[]; errors: SerializedError[] }
  /** Killed after its limit; `loaded` tells whether the test file (and the submission) had loaded. */
  | { kind: "hung"; loaded: boolean; limitMs: number; tests: TestEvent[] }
  /** Its worker process died (out of memory, a native crash) before the module ended. */
  | { kind: "died"; loaded: boolean; message: string; tests: TestEvent[] }
  | { kind: "crashed"; message: string; tests: TestEvent[] };

export interface RunOptions {
  root: string;
  /** Scratch folder of this grading call (plans, vite cache). */
  workDir: string;
  maxWorkers: number;
  /** See RunPlan.isolate. */
  isolate: boolean;
  /** See RunPlan.libBundle. */
  libBundle?: string;
  memoryMb: number;
  /** Folders the test workers may read besides the work folder (which holds the staged files). */
  readPaths: string[];
  /** Absolute time (ms, process clock) after which nothing new is started and running work is killed. */
  deadline: number;
  /** Receives what tests print (replay shows it). */
  onLog?: (stream: "stdout" | "stderr", text: string) => void;
}

const STARTUP_LIMIT_MS = 60_000;
/** Linux's USER_HZ, the unit of /proc/<pid>/stat times: 100 on every common configuration. */
const CLOCK_TICKS_PER_SECOND = 100;
const ATTEMPTS_MAX = 3;
const OUTPUT_TAIL_CHARS = 4_000;

const now = (): number => Number(process.hrtime.bigint() / 1_000_000n);

export async function runModules(modules: ModuleJob[], options: RunOptions): Promise<Map<string, ModuleOutcome>> {
  const outcomes = new Map<string, ModuleOutcome>();
  const attempts = new Map<string, number>();
  let pending = modules.slice();
  let round = 0;
  while (pending.length > 0) {
    if (now() >= options.deadline) {
      for (const m of pending) outcomes.set(m.key, { kind: "crashed", message: "not run: the submission's time limit ran out", tests: [] });
      break;
    }
    trace(`vitest round ${round}: ${pending.length} module(s)`);
    const result = await runOnce(pending, options, round++);
    trace(`vitest round ${round - 1} ended (${result.exit}${result.hungKeys.length ? `, hung: ${result.hungKeys.join(", ")}` : ""})`);
    const retry: ModuleJob[] = [];
    for (const m of pending) {
      const state = result.states.get(m.key)!;
      if (state.ended) outcomes.set(m.key, { kind: "finished", tests: state.tests, errors: state.errors });
      else if (state.hung) outcomes.set(m.key, { kind: "hung", loaded: state.collected, limitMs: m.limitMs, tests: state.tests });
      else if (result.deadlineHit) outcomes.set(m.key, { kind: "crashed", message: "stopped: the submission's time limit ran out", tests: state.tests });
      else if (result.finishedNormally && state.queuedAt !== undefined) {
        outcomes.set(m.key, { kind: "died", loaded: state.collected, message: deathMessage(result.output, options.memoryMb), tests: state.tests });
      } else if (result.finishedNormally) outcomes.set(m.key, { kind: "crashed", message: `the test runner did not run this module. ${result.output}`.trim(), tests: state.tests });
      else {
        // Killed with the others (or never started) because another module hung: run it again.
        // Only rounds in which it had started count against it.
        const n = (attempts.get(m.key) ?? 0) + (state.queuedAt === undefined ? 0 : 1);
        attempts.set(m.key, n);
        if (n >= ATTEMPTS_MAX || result.hungKeys.length === 0) {
          outcomes.set(m.key, { kind: "crashed", message: `the test runner stopped unexpectedly (${result.exit}). ${result.output}`.trim(), tests: state.tests });
        } else retry.push(m);
      }
    }
    pending = retry;
  }
  return outcomes;
}

interface ModuleState {
  queuedAt?: number;
  /** The worker running it, and that worker's CPU seconds when the module started. */
  pid?: number;
  cpuAtStart?: number;
  collected: boolean;
  ended: boolean;
  hung: boolean;
  tests: TestEvent[];
  errors: SerializedError[];
}

interface RoundResult {
  states: Map<string, ModuleState>;
  hungKeys: string[];
  finishedNormally: boolean;
  deadlineHit: boolean;
  exit: string;
  output: string;
}

function runOnce(modules: ModuleJob[], options: RunOptions, round: number): Promise<RoundResult> {
  // One project per distinct (submission, environment); a module is identified by project + file.
  const projects = new Map<string, { name: string; submissionDir: string; env: Record<string, string>; files: string[] }>();
  const byRef = new Map<string, string>();
  for (const m of modules) {
    const id = JSON.stringify([m.submissionDir, m.env]);
    let p = projects.get(id);
    if (!p) {
      p = { name: `p${projects.size}`, submissionDir: m.submissionDir, env: m.env, files: [] };
      projects.set(id, p);
    }
    p.files.push(m.file);
    byRef.set(`${p.name}\n${m.file}`, m.key);
  }
  const plan: RunPlan = {
    root: options.root,
    cacheDir: join(options.workDir, "vite-cache"),
    maxWorkers: options.maxWorkers,
    isolate: options.isolate,
    libBundle: options.libBundle,
    memoryMb: options.memoryMb,
    // vitest hands transformed modules to workers through files in its temporary folder.
    // Real paths: the permission model checks the files' resolved locations (node_modules may be a link).
    readPaths: [...options.readPaths, options.workDir].map((p) => `${realpathSync(p)}/*`),
    projects: [...projects.values()],
  };
  const planPath = join(options.workDir, `plan-${round}.json`);
  writeFileSync(planPath, JSON.stringify(plan));

  const states = new Map<string, ModuleState>(modules.map((m) => [m.key, { collected: false, ended: false, hung: false, tests: [], errors: [] }]));
  const limits = new Map(modules.map((m) => [m.key, m.limitMs]));
  const root = options.root;
  const tmp = join(options.workDir, "tmp");
  mkdirSync(tmp, { recursive: true });
  const child = spawn(
    process.execPath,
    // The "runner" config loader writes no bundled copy of the config into node_modules, which
    // may be read-only for the account that grades.
    [join(root, "node_modules/vitest/vitest.mjs"), "run", "--config", join(root, "grader/vitest.config.ts"), "--configLoader", "runner",
      "--root", root, "--reporter", join(root, "grader/engine/reporter.ts")],
    { cwd: root, env: childEnv(planPath, tmp, options.onLog !== undefined), stdio: ["ignore", "pipe", "pipe", "ipc"], detached: true },
  );
  let output = "";
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString("utf8")).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);

  const started = now();
  let everQueued = false;
  let finishedNormally = false;
  let deadlineHit = false;
  const hungKeys: string[] = [];
  const kill = (): void => {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // already gone
    }
  };
  const stateOf = (e: { project: string; file: string }) => {
    const key = byRef.get(`${e.project}\n${e.file}`);
    return key === undefined ? undefined : states.get(key);
  };
  child.on("message", (raw) => {
    const e = raw as RunnerEvent;
    switch (e.type) {
      case "queued": {
        const s = stateOf(e);
        if (s && s.queuedAt === undefined) s.queuedAt = now();
        break;
      }
      case "worker": {
        const s = stateOf(e);
        if (s && s.pid === undefined) {
          s.pid = e.pid;
          s.cpuAtStart = cpuSeconds(e.pid);
        }
        break;
      }
      case "collected": {
        const s = stateOf(e);
        if (s) s.collected = true;
        break;
      }
      case "test":
        stateOf(e)?.tests.push(e);
        break;
      case "moduleEnd": {
        const s = stateOf(e);
        if (s) {
          s.ended = true;
          s.errors = e.errors;
          const cpu = s.pid === undefined || s.cpuAtStart === undefined ? Number.NaN : cpuSeconds(s.pid) - s.cpuAtStart;
          trace(`${e.file.split("/").pop()} (${e.project}) ended after ${((now() - (s.queuedAt ?? now())) / 1000).toFixed(1)} s, ${cpu.toFixed(1)} s CPU`);
        }
        break;
      }
      case "log":
        options.onLog?.(e.stream, e.text);
        break;
      case "runEnd":
        finishedNormally = true;
        break;
    }
  });

  const watch = setInterval(() => {
    const t = now();
    if (t >= options.deadline) {
      deadlineHit = true;
      kill();
      return;
    }
    let running = 0;
    for (const [key, s] of states) {
      if (s.queuedAt === undefined || s.ended) continue;
      everQueued = true;
      if (!s.hung && overLimit(s, t, limits.get(key)!)) {
        s.hung = true;
        hungKeys.push(key);
      }
      if (!s.hung) running++;
    }
    // A hung worker cannot be freed, but the others keep going: kill only when nothing else runs.
    if ((hungKeys.length > 0 && running === 0) || (!everQueued && !finishedNormally && t - started > STARTUP_LIMIT_MS)) kill();
  }, 100);

  return new Promise((resolve) => {
    child.on("close", (code, signal) => {
      clearInterval(watch);
      // Workers may outlive a crashed vitest process: end the group in every case.
      kill();
      resolve({ states, hungKeys, finishedNormally, deadlineHit, exit: signal ? `signal ${signal}` : `exit code ${code}`, output: output.trim() });
    });
    child.on("error", (error) => {
      output += `\n${error.message}`;
    });
  });
}

/**
 * Whether a module has run past its limit. The limit counts the CPU seconds of the worker running
 * it (from /proc), so that a busy machine does not make a slow but correct submission "hang"; a
 * module that waits without using CPU (a top-level await that never settles) is stopped after a
 * wall-clock cap. Without /proc, the limit counts wall-clock time.
 */
function overLimit(s: ModuleState, nowMs: number, limitMs: number): boolean {
  const wallMs = nowMs - s.queuedAt!;
  const cpu = s.pid === undefined ? Number.NaN : cpuSeconds(s.pid);
  if (s.cpuAtStart === undefined || Number.isNaN(s.cpuAtStart) || Number.isNaN(cpu)) return wallMs > limitMs;
  return (cpu - s.cpuAtStart) * 1000 > limitMs || wallMs > Math.max(3 * limitMs, limitMs + 20_000);
}

/** CPU seconds (user + system) used so far by process `pid`, or NaN when unknown. */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

/** Why a worker died, from what the run printed. */
function deathMessage(output: string, memoryMb: number): string {
  if (/heap out of memory|Reached heap limit|Allocation failed/i.test(output)) {
    return `the test worker ran out of memory (its heap limit is ${memoryMb} MB): a huge allocation, or data that grows without bound?`;
  }
  return "the test worker exited unexpectedly (a crash of the process running the tests)";
}

/** The vitest process's whole environment: no secrets, nothing from the caller but basics. */
function childEnv(planPath: string, tmp: string, forwardLogs: boolean): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    [PLAN_ENV]: planPath,
    FORCE_COLOR: "0",
    NO_COLOR: "1",
    RL_FORWARD_LOGS: forwardLogs ? "1" : "0",
    TMPDIR: tmp,
  };
  for (const name of ["PATH", "HOME", "LANG", "CI"]) {
    if (process.env[name] !== undefined) env[name] = process.env[name];
  }
  return env;
}

/**
 * Runs a command with a wall-clock limit and kills its whole process group when the limit passes,
 * so that test-runner workers started by a grading run cannot outlive it. When this process is
 * itself stopped (a platform's own time limit sends SIGTERM) or exits, the groups it started go
 * with it: they run detached and would otherwise live on.
 */
import { spawn } from "node:child_process";

const liveGroups = new Set<number>();
let stopHandlersInstalled = false;

function killGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // the group is already gone
  }
}

function installStopHandlers(): void {
  if (stopHandlersInstalled) return;
  stopHandlersInstalled = true;
  process.on("exit", () => liveGroups.forEach(killGroup));
  for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) {
    process.once(signal, () => {
      liveGroups.forEach(killGroup);
      // Then die of the same signal, as this process would have without the handler.
      process.kill(process.pid, signal);
    });
  }
}

export interface ProcessResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  durationMs: number;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs: number;
  /** Output beyond this many characters per stream is dropped (keeps the end, where errors are). */
  maxOutputChars?: number;
}

export function runProcess(command: string, args: readonly string[], options: RunOptions): Promise<ProcessResult> {
  const started = process.hrtime.bigint();
  const maxChars = options.maxOutputChars ?? 200_000;
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true, // its own process group, so one kill reaches its workers too
    });
    let stdout = "";
    let stderr = "";
    const keep = (held: string, chunk: Buffer): string => {
      const next = held + chunk.toString("utf8");
      return next.length > maxChars ? next.slice(-maxChars) : next;
    };
    child.stdout.on("data", (chunk: Buffer) => (stdout = keep(stdout, chunk)));
    child.stderr.on("data", (chunk: Buffer) => (stderr = keep(stderr, chunk)));
    let timedOut = false;
    const pid = child.pid;
    if (pid !== undefined) {
      installStopHandlers();
      liveGroups.add(pid);
    }
    const killChildGroup = (): void => {
      if (pid !== undefined) killGroup(pid);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killChildGroup();
    }, options.timeoutMs);
    let done = false;
    const finish = (exitCode: number | null, signal: NodeJS.Signals | null): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (pid !== undefined) liveGroups.delete(pid);
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      resolve({ exitCode, signal, stdout, stderr, timedOut, durationMs });
    };
    child.on("error", (error) => {
      stderr += `\n${error.message}`;
      finish(null, null);
    });
    // Grandchildren still holding the output pipes would delay "close": they die with the run.
    child.on("exit", killChildGroup);
    child.on("close", finish);
  });
}

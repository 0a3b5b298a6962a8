/**
 * Runs a command with a wall-clock limit and kills its whole process group when the limit passes,
 * so that test-runner workers started by a grading run cannot outlive it.
 */
import { spawn } from "node:child_process";

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
    const killGroup = (): void => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
      } catch {
        // the group is already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, options.timeoutMs);
    let done = false;
    const finish = (exitCode: number | null, signal: NodeJS.Signals | null): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      resolve({ exitCode, signal, stdout, stderr, timedOut, durationMs });
    };
    child.on("error", (error) => {
      stderr += `\n${error.message}`;
      finish(null, null);
    });
    // Grandchildren still holding the output pipes would delay "close": they die with the run.
    child.on("exit", killGroup);
    child.on("close", finish);
  });
}

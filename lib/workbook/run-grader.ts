/**
 * Runs the project's grader in a child process and reads its JSON report.
 *
 * The notebook kernel never loads the grader or student code itself: a student's infinite loop
 * stops the child (after a time limit), not the kernel.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { GradeResult } from "./report";

const LIMIT_MS = 180_000;

/** The node arguments that run one of the grader's scripts (grader/<script>) with tsx; throws when missing. */
function graderScript(root: string, script: string): string[] {
  const tsx = join(root, "node_modules", "tsx", "dist", "cli.mjs");
  const file = join(root, "grader", script);
  if (!existsSync(tsx) || !existsSync(file)) {
    throw new Error(`the grader is not installed here (${existsSync(file) ? tsx : file} is missing); run \`npm start\` or \`npm install\` first`);
  }
  return [tsx, file];
}

/** `npm run grade -- <args> --format json` from `root`, resolved with the parsed report. */
export function runGrader(root: string, args: string[]): Promise<GradeResult> {
  let command: string[];
  try {
    command = graderScript(root, "cli.ts");
  } catch (error) {
    return Promise.reject(error);
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...command, ...args, "--format", "json"], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
      timeout: LIMIT_MS,
      killSignal: "SIGKILL",
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      try {
        resolve(JSON.parse(stdout) as GradeResult);
      } catch {
        const why = signal ? `was stopped (${signal})` : `exited with code ${code}`;
        reject(new Error(`the grader ${why} without a report: ${(stderr || stdout).trim().slice(-1500)}`));
      }
    });
  });
}

export interface ReplayOutcome {
  /** The replay command's exit code: 0 when the case passes, 1 when it fails, 2 on bad arguments. */
  code: number | null;
  /** What it printed: the case's inputs, verdict and (with --draw) what it drew. */
  output: string;
}

/** `npm run replay -- <args>` from `root`: resolved with what it printed. */
export function runReplay(root: string, args: string[]): Promise<ReplayOutcome> {
  let command: string[];
  try {
    command = graderScript(root, "replay.ts");
  } catch (error) {
    return Promise.reject(error);
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...command, ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"], timeout: LIMIT_MS, killSignal: "SIGKILL" });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      if (signal) output += `\n(the replay was stopped: ${signal}, after ${LIMIT_MS / 1000} s at most)`;
      resolve({ code, output: output.trim() });
    });
  });
}

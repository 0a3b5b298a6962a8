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

/** `npm run grade -- <args> --format json` from `root`, resolved with the parsed report. */
export function runGrader(root: string, args: string[]): Promise<GradeResult> {
  const tsx = join(root, "node_modules", "tsx", "dist", "cli.mjs");
  const cli = join(root, "grader", "cli.ts");
  if (!existsSync(tsx) || !existsSync(cli)) {
    return Promise.reject(new Error(`the grader is not installed here (${existsSync(cli) ? tsx : cli} is missing); run \`npm start\` or \`npm install\` first`));
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [tsx, cli, ...args, "--format", "json"], {
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

/**
 * Runs PostgreSQL's server programs. initdb and postgres refuse to run as root, so as root they run
 * as the `postgres` user (created by the Debian package) on folders that user owns; any other user
 * runs them as itself.
 */
import { execFile, spawnSync } from "node:child_process";
import { chownSync } from "node:fs";
import path from "node:path";
import { isRoot, type PostgresInstall } from "./postgres-install";

function command(pg: PostgresInstall, program: string, args: string[]): [string, string[]] {
  const binary = path.join(pg.binDir, program);
  return isRoot() ? ["runuser", ["-u", "postgres", "--", binary, ...args]] : [binary, args];
}

/** Runs a server program and resolves with its stdout; rejects with its stderr on failure. */
export function runServerProgram(
  pg: PostgresInstall,
  program: string,
  args: string[],
  timeoutMs = 60_000,
): Promise<string> {
  const [file, argv] = command(pg, program, args);
  return new Promise((resolve, reject) => {
    // Asynchronous on purpose: pg_basebackup may talk through the delaying proxy, which lives on
    // this process's event loop.
    execFile(file, argv, { timeout: timeoutMs, encoding: "utf8" }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${program} ${args.join(" ")} failed: ${(stderr || err.message).trim()}`));
      else resolve(stdout);
    });
  });
}

/** The synchronous form, for cleanup paths (signal handlers and 'exit' cannot wait). */
export function runServerProgramSync(pg: PostgresInstall, program: string, args: string[], timeoutMs = 15_000): boolean {
  const [file, argv] = command(pg, program, args);
  const result = spawnSync(file, argv, { timeout: timeoutMs, stdio: "ignore" });
  return result.status === 0;
}

/** Hands a folder to the user the servers run as. */
export function giveToPostgres(folder: string): void {
  if (!isRoot()) return;
  const uid = Number(spawnSync("id", ["-u", "postgres"], { encoding: "utf8" }).stdout.trim());
  const gid = Number(spawnSync("id", ["-g", "postgres"], { encoding: "utf8" }).stdout.trim());
  if (!Number.isInteger(uid) || !Number.isInteger(gid) || uid <= 0) {
    throw new Error("running as root, but there is no `postgres` user to run the servers as");
  }
  chownSync(folder, uid, gid);
}

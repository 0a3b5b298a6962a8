/**
 * Runs PostgreSQL's server programs. initdb and postgres refuse to run as root, so as root they run
 * as the `postgres` user (created by the Debian package) on folders that user owns; any other user
 * runs them as itself.
 *
 * Every server program starts in `/`, not in the caller's folder: run as root from a folder the
 * `postgres` user cannot enter (a clone under /root, mode 700), the programs would start by failing
 * to change into it ("could not change directory to …: Permission denied"), and pg_basebackup would
 * fail outright. The lab passes them absolute paths only.
 */
import { execFile, spawnSync } from "node:child_process";
import { chownSync } from "node:fs";
import path from "node:path";
import { isRoot, type PostgresInstall } from "./postgres-install";

/** A folder every user can enter. */
const NEUTRAL_CWD = "/";

function command(pg: PostgresInstall, program: string, args: string[]): [string, string[]] {
  const binary = path.join(pg.binDir, program);
  return isRoot() ? ["runuser", ["-u", "postgres", "--", binary, ...args]] : [binary, args];
}

export interface ProgramOutput {
  stdout: string;
  /** Warnings a program printed while still succeeding. */
  stderr: string;
}

/** A server program that failed: its name, arguments and what it printed. */
export class ServerProgramError extends Error {
  override readonly name = "ServerProgramError";
  constructor(
    readonly program: string,
    readonly args: readonly string[],
    readonly output: string,
    /** The program was killed after running longer than its time limit. */
    readonly timedOut: boolean,
  ) {
    super(`${program} ${args.join(" ")} failed${timedOut ? " (timed out)" : ""}: ${output}`);
  }
}

/** Runs a server program; resolves with what it printed, rejects with a ServerProgramError. */
export function runServerProgram(pg: PostgresInstall, program: string, args: string[], timeoutMs = 60_000): Promise<ProgramOutput> {
  const [file, argv] = command(pg, program, args);
  return new Promise((resolve, reject) => {
    // Asynchronous on purpose: pg_basebackup may talk through the delaying proxy, which lives on
    // this process's event loop.
    execFile(file, argv, { timeout: timeoutMs, encoding: "utf8", cwd: NEUTRAL_CWD }, (err, stdout, stderr) => {
      if (err) reject(new ServerProgramError(program, args, (stderr || err.message).trim(), err.killed === true));
      else resolve({ stdout, stderr });
    });
  });
}

/** The synchronous form, for cleanup paths (signal handlers and 'exit' cannot wait). */
export function runServerProgramSync(pg: PostgresInstall, program: string, args: string[], timeoutMs = 15_000): boolean {
  const [file, argv] = command(pg, program, args);
  const result = spawnSync(file, argv, { timeout: timeoutMs, stdio: "ignore", cwd: NEUTRAL_CWD });
  return result.status === 0;
}

/**
 * Hands a folder to the user the servers run as, and checks that this user can reach it: a folder
 * inside one it cannot enter (PG_LAB_TMPDIR=/root/tmp, say) would fail later, in initdb, with a
 * less helpful message.
 */
export function giveToPostgres(folder: string): void {
  if (!isRoot()) return;
  const uid = Number(spawnSync("id", ["-u", "postgres"], { encoding: "utf8" }).stdout.trim());
  const gid = Number(spawnSync("id", ["-g", "postgres"], { encoding: "utf8" }).stdout.trim());
  if (!Number.isInteger(uid) || !Number.isInteger(gid) || uid <= 0) {
    throw new Error("running as root, but there is no `postgres` user to run the servers as");
  }
  chownSync(folder, uid, gid);
  const probe = spawnSync("runuser", ["-u", "postgres", "--", "test", "-w", folder, "-a", "-x", folder], { cwd: NEUTRAL_CWD });
  if (probe.status !== 0) {
    throw new Error(
      `the postgres user, which runs the servers, cannot reach ${folder}: a folder above it is closed to other users. ` +
        "Set PG_LAB_TMPDIR to a folder it can reach, e.g. PG_LAB_TMPDIR=/var/tmp.",
    );
  }
}

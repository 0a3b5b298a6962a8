/**
 * Finds the PostgreSQL server programs, and installs them from Debian packages when they are
 * missing and we are root (as on a fresh CI machine).
 */
import { existsSync, readdirSync } from "node:fs";
import { spawnSync } from "node:child_process";
import path from "node:path";

/** Server programs the lab runs. psql is not needed: the `pg` client speaks to the servers. */
const NEEDED = ["initdb", "pg_ctl", "pg_basebackup", "postgres"] as const;

export const INSTALL_COMMAND = "sudo apt-get update && sudo apt-get install -y postgresql";

/**
 * The oldest PostgreSQL the lab runs: 12 brought `pg_basebackup -C` and `-R` with
 * postgresql.auto.conf, 13 the walreceiver's written and flushed positions in
 * pg_stat_wal_receiver, which every stale-read trial reads.
 */
export const MIN_POSTGRES = 13;

export interface PostgresInstall {
  binDir: string;
  /** Major version, e.g. 15. */
  version: number;
}

export class PostgresMissingError extends Error {
  constructor(readonly detail: string) {
    super(
      `PostgreSQL server programs not found (${detail}).\n` +
        `Install them with:\n  ${INSTALL_COMMAND}\n` +
        `or point PG_BIN at a folder holding ${NEEDED.join(", ")} (PostgreSQL ${MIN_POSTGRES} or newer).`,
    );
    this.name = "PostgresMissingError";
  }
}

function hasAll(binDir: string): boolean {
  return NEEDED.every((name) => existsSync(path.join(binDir, name)));
}

/** Why a folder is not a usable PostgreSQL, in words. */
function whatIsIn(binDir: string): string {
  if (!hasAll(binDir)) return `lacks ${NEEDED.filter((name) => !existsSync(path.join(binDir, name))).join(", ")}`;
  const version = versionOf(binDir);
  return version > 0 ? `holds PostgreSQL ${version}, older than ${MIN_POSTGRES}` : "holds a pg_ctl whose version could not be read";
}

function versionOf(binDir: string): number {
  const out = spawnSync(path.join(binDir, "pg_ctl"), ["--version"], { encoding: "utf8" });
  const match = /(\d+)(?:\.\d+)?/.exec(out.stdout ?? "");
  return match ? Number(match[1]) : 0;
}

const DEBIAN_ROOT = "/usr/lib/postgresql";

/** The major versions installed in Debian's layout, newest first. */
function debianVersions(): string[] {
  if (!existsSync(DEBIAN_ROOT)) return [];
  return readdirSync(DEBIAN_ROOT)
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a));
}

/**
 * Where the server programs are, or null. PG_BIN, when set, is the only place looked at (a wrong
 * PG_BIN should not silently pick another installation); else Debian's layout, then PATH.
 */
export function findPostgres(env: NodeJS.ProcessEnv = process.env): PostgresInstall | null {
  const candidates: string[] = [];
  if (env.PG_BIN) return usable(env.PG_BIN);
  for (const v of debianVersions()) candidates.push(path.join(DEBIAN_ROOT, v, "bin"));
  for (const dir of (env.PATH ?? "").split(path.delimiter)) if (dir) candidates.push(dir);
  for (const binDir of candidates) {
    const found = usable(binDir);
    if (found) return found;
  }
  return null;
}

function usable(binDir: string): PostgresInstall | null {
  if (!hasAll(binDir)) return null;
  const version = versionOf(binDir);
  return version >= MIN_POSTGRES ? { binDir, version } : null;
}

export function isRoot(): boolean {
  return typeof process.getuid === "function" && process.getuid() === 0;
}

function run(command: string, args: string[], log: (line: string) => void): void {
  log(`$ ${command} ${args.join(" ")}`);
  const result = spawnSync(command, args, {
    stdio: "inherit",
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
  if (result.error) throw new Error(`${command} could not start: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} exited with ${result.status}`);
}

/**
 * Returns the installed PostgreSQL, installing it with apt when allowed. Throws PostgresMissingError
 * (with the command to run) when it is missing and cannot be installed here.
 */
export function ensurePostgres(options: { install: boolean; log?: (line: string) => void }): PostgresInstall {
  const log = options.log ?? console.log;
  const found = findPostgres();
  if (found) return found;
  if (process.env.PG_BIN) throw new PostgresMissingError(`PG_BIN=${process.env.PG_BIN} ${whatIsIn(process.env.PG_BIN)}`);
  if (!options.install) throw new PostgresMissingError("installing was not asked for");
  if (!isRoot()) throw new PostgresMissingError("not running as root, so not installing it");
  if (!existsSync("/usr/bin/apt-get")) throw new PostgresMissingError("no apt-get on this machine");
  log("PostgreSQL is missing: installing it from the Debian packages (about a minute).");
  run("apt-get", ["update"], log);
  run("apt-get", ["install", "-y", "--no-install-recommends", "postgresql"], log);
  const installed = findPostgres();
  if (!installed) {
    const old = debianVersions();
    throw new PostgresMissingError(
      old.length > 0
        ? `apt-get install postgresql installed PostgreSQL ${old.join(", ")}, older than ${MIN_POSTGRES}; install a newer one from the PostgreSQL project's apt repository and point PG_BIN at its bin folder`
        : "apt-get install postgresql finished, yet initdb is still missing",
    );
  }
  return installed;
}

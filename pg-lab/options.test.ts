import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { LabOptionError, labOptions, parseOptions, UsageError } from "./options";
import { findPostgres, INSTALL_COMMAND, MIN_POSTGRES } from "./postgres-install";

const root = path.resolve(import.meta.dirname, "..");

function runLab(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [path.join(root, "node_modules/tsx/dist/cli.mjs"), "pg-lab/cli.ts", ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
}

describe("pg-lab options", () => {
  it("sizes the quick run smaller than the full one", () => {
    const quick = parseOptions(["--quick", "--json", "out.json"]);
    const full = parseOptions([]);
    if (quick === "help" || full === "help") throw new Error("unexpected help");
    expect(quick.jsonFile).toBe("out.json");
    expect(quick.commits).toBeLessThan(full.commits);
    expect(quick.lossWindowMs).toBeLessThan(full.lossWindowMs);
    expect(full.delayMs).toBe(5);
    expect(quick.crashes).toBeLessThan(full.crashes);
    const two = parseOptions(["--quick", "--crashes", "2"]);
    expect(two !== "help" && two.crashes).toBe(2);
    expect(() => parseOptions(["--crashes", "51"])).toThrow(/--crashes: "51" is not allowed; it must be a number from 1 to 50/);
  });

  it("rejects an out-of-range delay, naming the option and the value", () => {
    expect(() => parseOptions(["--delay-ms", "0"])).toThrow(UsageError);
    expect(() => parseOptions(["--delay-ms", "abc"])).toThrow(/--delay-ms: "abc"/);
  });

  it("rejects --json without a file and unknown options", () => {
    expect(() => parseOptions(["--json"])).toThrow(/--json/);
    expect(() => parseOptions(["--fast"])).toThrow(/unknown option "--fast"/);
  });
});

describe("runPgLab's options", () => {
  it("fill in the defaults of the quick run", () => {
    expect(labOptions({ quick: true })).toEqual({ quick: true, jsonFile: null, install: true, delayMs: 5, applyDelayMs: 20, commits: 150, trials: 200, lossWindowMs: 400, crashes: 6 });
    expect(labOptions({}).crashes).toBe(12);
    expect(labOptions({ crashes: 2.6 }).crashes).toBe(3);
  });

  it("reject a misspelled key, a wrong type and a value out of range, naming each", () => {
    expect(() => labOptions({ quik: true } as never)).toThrow(LabOptionError);
    expect(() => labOptions({ quik: true } as never)).toThrow(/unknown option "quik"; allowed: quick,/);
    expect(() => labOptions({ quick: "yes" } as never)).toThrow(/quick: "yes" is not allowed; it must be true or false/);
    expect(() => labOptions({ delayMs: Number.NaN })).toThrow(/delayMs: null is not allowed; it must be a number from 1 to 200/);
    expect(() => labOptions({ commits: 5 })).toThrow(/commits: 5 is not allowed/);
    expect(() => labOptions({ jsonFile: "" })).toThrow(/jsonFile/);
    expect(() => labOptions({ crashes: 0 })).toThrow(/crashes: 0 is not allowed; it must be a number from 1 to 50/);
  });
});

describe("npm run pg-lab without PostgreSQL", () => {
  it("exits with 2 and prints the command that installs it", () => {
    const lab = runLab(["--quick"], { PG_BIN: "/nonexistent/bin" });
    expect(lab.status, lab.stderr).toBe(2);
    expect(lab.stderr).toContain(INSTALL_COMMAND);
    expect(lab.stderr).toContain("PG_BIN=/nonexistent/bin");
  });

  it("never looks elsewhere when PG_BIN is set", () => {
    expect(findPostgres({ PG_BIN: "/nonexistent/bin", PATH: process.env.PATH })).toBeNull();
  });

  it("takes PostgreSQL 13 or newer, and says which version PG_BIN holds when it is older", () => {
    // Stand-ins for the server programs: only pg_ctl runs (for its version).
    const fake = (version: string): string => {
      const dir = mkdtempSync(path.join(os.tmpdir(), "pg-lab-fake-bin-"));
      for (const name of ["initdb", "pg_basebackup", "postgres"]) writeFileSync(path.join(dir, name), "");
      writeFileSync(path.join(dir, "pg_ctl"), `#!/bin/sh\necho "pg_ctl (PostgreSQL) ${version}"\n`);
      chmodSync(path.join(dir, "pg_ctl"), 0o755);
      return dir;
    };
    const [old, current] = [fake("12.22"), fake("13.0 (Debian 13.0-1)")];
    try {
      expect(MIN_POSTGRES).toBe(13);
      expect(findPostgres({ PG_BIN: old })).toBeNull();
      expect(findPostgres({ PG_BIN: current })).toEqual({ binDir: current, version: 13 });
      const lab = runLab(["--quick"], { PG_BIN: old });
      expect(lab.status, lab.stderr).toBe(2);
      expect(lab.stderr).toContain(`PG_BIN=${old} holds PostgreSQL 12, older than 13`);
      expect(lab.stderr).toContain("(PostgreSQL 13 or newer)");
    } finally {
      for (const dir of [old, current]) rmSync(dir, { recursive: true, force: true });
    }
  });

  it("exits with 64 and the usage on a bad option", () => {
    const lab = runLab(["--bogus"]);
    expect(lab.status).toBe(64);
    expect(lab.stderr).toContain("Usage: npm run pg-lab");
  });
});

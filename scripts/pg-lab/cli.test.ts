import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseOptions, UsageError } from "./options";
import { findPostgres, INSTALL_COMMAND } from "./postgres-install";

const root = path.resolve(import.meta.dirname, "../..");

function runLab(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [path.join(root, "node_modules/tsx/dist/cli.mjs"), "scripts/pg-lab.ts", ...args], {
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

  it("exits with 64 and the usage on a bad option", () => {
    const lab = runLab(["--bogus"]);
    expect(lab.status).toBe(64);
    expect(lab.stderr).toContain("Usage: npm run pg-lab");
  });
});

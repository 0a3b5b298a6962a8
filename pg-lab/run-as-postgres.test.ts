import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { findPostgres, isRoot } from "./postgres-install";
import { giveToPostgres } from "./run-as-postgres";

const root = path.resolve(import.meta.dirname, "..");
const postgres = findPostgres();
const skipReason = !isRoot() ? "only root runs the servers as another user" : postgres === null ? "PostgreSQL is not installed" : null;

// A folder like /root: only its owner (root) may enter it.
const closed = mkdtempSync(path.join(os.tmpdir(), "pg-lab-closed-"));
chmodSync(closed, 0o700);
afterAll(() => rmSync(closed, { recursive: true, force: true }));

describe.skipIf(skipReason !== null)(`server programs run as the postgres user${skipReason ? ` (skipped: ${skipReason})` : ""}`, () => {
  it("start in a folder they can read when the lab is run from one they cannot enter", () => {
    const loader = pathToFileURL(path.join(root, "node_modules/tsx/dist/loader.mjs")).href;
    const module = pathToFileURL(path.join(root, "pg-lab/run-as-postgres.ts")).href;
    const code = `import { runServerProgram } from ${JSON.stringify(module)};
      const out = await runServerProgram(${JSON.stringify(postgres)}, "pg_ctl", ["--version"]);
      console.log(JSON.stringify(out));`;
    const child = spawnSync(process.execPath, ["--import", loader, "--input-type=module", "-e", code], { cwd: closed, encoding: "utf8", timeout: 60_000 });
    expect(child.status, child.stderr).toBe(0);
    const out = JSON.parse(child.stdout.trim().split("\n").pop()!) as { stdout: string; stderr: string };
    expect(out.stdout).toContain("PostgreSQL");
    expect(out.stderr).not.toMatch(/could not change directory/);
  });

  it("refuse a cluster folder the postgres user cannot reach, and say how to pick another", () => {
    const inner = path.join(closed, "clusters");
    mkdirSync(inner);
    expect(() => giveToPostgres(inner)).toThrow(/cannot reach .*clusters.*PG_LAB_TMPDIR/);
  });
});

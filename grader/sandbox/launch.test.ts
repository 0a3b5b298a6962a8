/**
 * What the grader says about the Node it runs on: past a release line's end of life, the
 * permission model that confines the sandbox gets no more security fixes, so `npm run grade`
 * (and `--batch`) warn on stderr and `--isolation` says it beside the sandbox's limits.
 */
import { spawnSync } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { isolation, nodeEndOfLife, thisNodeEndOfLife } from "./launch";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

describe("nodeEndOfLife", () => {
  it("warns from the day after a line's end of life, naming the version, the date and what to use", () => {
    expect(nodeEndOfLife("v20.20.2", "2026-04-30")).toBeUndefined();
    expect(nodeEndOfLife("v20.20.2", "2026-05-01")).toBe(
      "Node v20.20.2 is past its end of life (2026-04-30): it gets no more security fixes, those of the permission model that confines the sandbox included; grade with Node 22, 24 or 26",
    );
    expect(nodeEndOfLife("v25.9.0", "2026-12-05")).toContain("(2026-06-01)");
    expect(nodeEndOfLife("v22.23.0", "2026-12-05")).toBeUndefined();
    expect(nodeEndOfLife("v24.22.0", "2026-12-05")).toBeUndefined();
    // What to use is read from the same dates: the long-term lines still supported that day.
    expect(nodeEndOfLife("v22.23.0", "2027-05-01")).toMatch(/\(2027-04-30\).*grade with Node 24 or 26$/);
    expect(nodeEndOfLife("v24.22.0", "2028-05-01")).toMatch(/grade with Node 26$/);
    expect(nodeEndOfLife("v26.12.0", "2029-05-01")).toMatch(/grade with a supported Node line$/);
  });

  it("says nothing of a line it has no date for", () => {
    expect(nodeEndOfLife("v30.0.0", "2040-01-01")).toBeUndefined();
    expect(nodeEndOfLife("not a version", "2040-01-01")).toBeUndefined();
  });
});

describe("npm run grade's warnings", () => {
  it("says on stderr that the sandbox has no namespaces (here: turned off), and that this Node is past its end of life when it is", () => {
    const run = spawnSync(process.execPath, [join(ROOT, "node_modules/tsx/dist/cli.mjs"), join(ROOT, "grader/cli.ts"), "--only", "07", "--public", "--format", "json"], {
      cwd: ROOT,
      encoding: "utf8",
      timeout: 180_000,
      env: { ...process.env, RL_SANDBOX_NAMESPACES: "0", FORCE_COLOR: "0" },
    });
    const warnings = run.stderr.split("\n").filter((line) => line.startsWith("warning: "));
    const old = thisNodeEndOfLife();
    expect(warnings, run.stderr).toEqual([
      expect.stringMatching(/^warning: Sandbox: .*NO network or PID isolation \(turned off with RL_SANDBOX_NAMESPACES=0\)/),
      ...(old ? [`warning: ${old}.`] : []),
    ]);
    // The report itself is the same JSON as ever: the warnings are not in it.
    expect(JSON.parse(run.stdout).exercises[0].id).toBe("07");
  }, 200_000);
});

describe("npm run grade -- --isolation", () => {
  it("prints the sandbox's limits, and the Node warning exactly when this Node is past its end of life", () => {
    const run = spawnSync(process.execPath, [join(ROOT, "node_modules/tsx/dist/cli.mjs"), join(ROOT, "grader/cli.ts"), "--isolation"], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
    expect(run.status, run.stderr).toBe(0);
    const lines = run.stdout.trim().split("\n");
    expect(lines[0]).toBe(isolation().summary);
    const old = thisNodeEndOfLife();
    expect(lines.slice(1)).toEqual(old ? [`${old}.`] : []);
  });
});

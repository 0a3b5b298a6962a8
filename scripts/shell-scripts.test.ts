import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "./jupyter-env";

function bash(script: string, ...args: string[]) {
  return spawnSync("bash", [path.join(projectRoot, "scripts", script), ...args], { encoding: "utf8", input: "" });
}

describe("setup.sh and start.sh", () => {
  it("setup rejects an unknown option and names the allowed ones", () => {
    const run = bash("setup.sh", "--chromium");
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("unknown option '--chromium' (allowed: --with PACKAGE[,PACKAGE...])");
  });

  it("setup explains its options with --help, without installing anything", () => {
    const run = bash("setup.sh", "--help");
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("--with chromium");
  });

  it("start rejects a port that is not a number before doing anything", () => {
    const run = bash("start.sh", "--no-setup", "--port", "eighty");
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("--port must be a number, got 'eighty'");
  });
});

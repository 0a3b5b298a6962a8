/**
 * What the grader says about the Node it runs on: past a release line's end of life, the
 * permission model that confines the sandbox gets no more security fixes, so `npm run grade`
 * (and `--batch`) warn on stderr and `--isolation` says it beside the sandbox's limits.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { isolation, nodeEndOfLife, rootCommand, thisNodeEndOfLife } from "./launch";
import { sandboxDropsNetwork } from "./permission";

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
      // Node 26 gives up sockets inside the sandbox (host.ts): the network stays closed there.
      sandboxDropsNetwork()
        ? expect.stringMatching(/^warning: Sandbox: .*no network \(this Node's permission model.*NO PID isolation \(turned off with RL_SANDBOX_NAMESPACES=0\).*the host's files are NOT hidden \(no mount namespace\), though its Unix sockets are out of reach/)
        : expect.stringMatching(/^warning: Sandbox: .*NO network or PID isolation \(turned off with RL_SANDBOX_NAMESPACES=0\).*the host's files are NOT hidden \(no mount namespace\)/),
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

  it("says whether a sandbox is stopped between questions, as it is where it dies with the grader", () => {
    const { diesWithParent, summary } = isolation();
    expect(summary).toContain(diesWithParent ? "stopped between questions, and killed with the grader" : "NOT stopped between questions");
  });
});

describe("a sandbox's own root", () => {
  it("is described in --isolation's line as it is: hidden host files, or a warning that they are not", () => {
    const { fileSystem, summary, root } = isolation();
    expect(summary).toContain(fileSystem ? "a read-only root of its own holding only Node, its libraries, its runtime and its compiled file" : "the host's files are NOT hidden");
    expect(root !== undefined).toBe(fileSystem);
  });

  // Node without its permission model, in the root a sandbox gets: what is there, and what it can write.
  it.skipIf(!isolation().fileSystem)("holds only Node's system folders, the runtime folder and the compiled file, at their own paths, all read-only", () => {
    const iso = isolation();
    const work = realpathSync(mkdtempSync(join(tmpdir(), "rl-root-test-")));
    try {
      const runtime = join(work, "runtime");
      mkdirSync(runtime);
      writeFileSync(join(runtime, "host.mjs"), "");
      writeFileSync(join(work, "beside.txt"), "not for the sandbox");
      const exercise = join(work, "built", "05-leader-election.mjs");
      mkdirSync(dirname(exercise));
      writeFileSync(exercise, "export {};");
      const look = `
        const fs = require("node:fs");
        const seen = [];
        const walk = (dir) => { for (const name of fs.readdirSync(dir).sort()) { const path = (dir === "/" ? "" : dir) + "/" + name; const st = fs.lstatSync(path);
          if (st.isSymbolicLink()) seen.push(path + " -> " + fs.readlinkSync(path));
          else if (st.isDirectory() && !${JSON.stringify(iso.root!.dirs)}.includes(path) && path !== ${JSON.stringify(runtime)}) walk(path);
          else seen.push(path); } };
        walk("/");
        const writes = ["/made", ${JSON.stringify(join(work, "made"))}, ${JSON.stringify(join(runtime, "made"))}, "/usr/made"].map((path) => { try { fs.writeFileSync(path, "x"); return "written"; } catch (e) { return e.code; } });
        console.log(JSON.stringify({ seen, writes, cwd: process.cwd(), env: process.env }));`;
      const [command, ...args] = [...iso.prefix, ...rootCommand(iso.root!, [runtime], [exercise], runtime), realpathSync(process.execPath), "-e", look];
      const run = spawnSync(command, args, { encoding: "utf8", env: {}, timeout: 30_000 });
      expect(run.status, run.stderr).toBe(0);
      const got = JSON.parse(run.stdout);
      const links = iso.root!.links.map(([path, target]) => `${path} -> ${target}`);
      expect([...got.seen].sort()).toEqual([...links, ...iso.root!.dirs, ...iso.root!.files, runtime, exercise].sort());
      expect(got.writes).toEqual(["EROFS", "EROFS", "EROFS", "EROFS"]);
      expect(got.cwd).toBe(runtime);
      expect(got.env).toEqual({});
      expect(existsSync(join(work, "made")) || existsSync(join(runtime, "made"))).toBe(false);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});

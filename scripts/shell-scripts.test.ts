import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { projectRoot } from "./jupyter-env";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A bare project holding only setup.sh and jupyter-env.sh, in a fresh folder beside `other`, another checkout. */
function projectBesideAnother(): { project: string; other: string } {
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), "rl-setup-")));
  dirs.push(dir);
  const project = path.join(dir, "project");
  const other = path.join(dir, "other");
  mkdirSync(path.join(project, "scripts"), { recursive: true });
  for (const script of ["setup.sh", "jupyter-env.sh"]) copyFileSync(path.join(projectRoot, "scripts", script), path.join(project, "scripts", script));
  mkdirSync(path.join(other, "node_modules"), { recursive: true });
  symlinkSync("..", path.join(other, "node_modules", "replication-lab"));
  return { project, other };
}

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

  it("setup stops, saying why and what to do, when node_modules is a link to another checkout's", () => {
    const { project, other } = projectBesideAnother();
    // The link node_modules/replication-lab -> .. is there and reads "..", but leads to `other`.
    symlinkSync(path.join(other, "node_modules"), path.join(project, "node_modules"));
    const run = spawnSync("bash", [path.join(project, "scripts", "setup.sh")], { encoding: "utf8", input: "" });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`setup: node_modules is not this project's own folder: it is a link to ${other}/node_modules.`);
    expect(run.stderr).toContain(`leads to ${other}, not to this project (${project})`);
    expect(run.stderr).toContain("rm node_modules && npm run setup");
    expect(run.stderr).toContain(`rm node_modules && cp -a ${other}/node_modules node_modules && npm run setup`);
    expect(run.stderr).not.toMatch(/^\s+at /m);
    // It stops before touching anything: the other checkout's link and this project stay as they were.
    expect(readlinkSync(path.join(other, "node_modules", "replication-lab"))).toBe("..");
    expect(existsSync(path.join(project, ".jupyter"))).toBe(false);
  });

  it("setup notes a Node past its line's end of life, once, and goes on", () => {
    const { project } = projectBesideAnother();
    // Stops right after the note, at a node_modules that leads nowhere; `node` and `date` are stand-ins.
    symlinkSync(path.join(project, "gone"), path.join(project, "node_modules"));
    const bin = path.join(project, "bin");
    mkdirSync(bin);
    const stub = (name: string, body: string) => writeFileSync(path.join(bin, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    stub("node", 'case "$1" in -p) echo 20 ;; --version) echo v20.20.2 ;; *) exit 1 ;; esac');
    const on = (day: string) => {
      stub("date", `echo ${day}`);
      return spawnSync("bash", [path.join(project, "scripts", "setup.sh")], { encoding: "utf8", input: "", env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
    };
    const after = on("2026-12-05");
    expect(after.stderr).toContain("setup: note: Node.js v20.20.2 is past its end of life (2026-04-30) and gets no security fixes;");
    expect(after.stderr).toContain("but a supported line (22, 24, 26) is better");
    expect(on("2027-06-01").stderr).toContain("but a supported line (24, 26) is better");
    expect(after.stderr).toContain("setup: node_modules is a link to"); // it went on
    expect(on("2026-04-30").stderr).not.toContain("end of life");
  });

  it("setup says so when node_modules is a link that leads nowhere", () => {
    const { project } = projectBesideAnother();
    symlinkSync(path.join(project, "gone"), path.join(project, "node_modules"));
    const run = spawnSync("bash", [path.join(project, "scripts", "setup.sh")], { encoding: "utf8", input: "" });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`setup: node_modules is a link to ${project}/gone, which does not exist. Remove it and run setup again: rm node_modules && npm run setup`);
  });

  it("start rejects a port that is not a number before doing anything", () => {
    const run = bash("start.sh", "--no-setup", "--port", "eighty");
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("--port must be a number, got 'eighty'");
  });
});

describe("with-node.sh", () => {
  /** A bare project holding only with-node.sh, its cache as given, and npm aimed at no registry. */
  function project(cached: Record<string, string> = {}) {
    const dir = realpathSync(mkdtempSync(path.join(tmpdir(), "rl-with-node-")));
    dirs.push(dir);
    mkdirSync(path.join(dir, "scripts"));
    copyFileSync(path.join(projectRoot, "scripts", "with-node.sh"), path.join(dir, "scripts", "with-node.sh"));
    for (const [version, body] of Object.entries(cached)) {
      const bin = path.join(dir, "node_modules/.cache/replication-lab-node", version, "bin");
      mkdirSync(bin, { recursive: true });
      writeFileSync(path.join(bin, "node"), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    }
    const run = (...args: string[]) =>
      spawnSync("bash", [path.join(dir, "scripts", "with-node.sh"), ...args], {
        encoding: "utf8",
        input: "",
        // Nothing answers on port 9: a run that asks the registry fails.
        env: { ...process.env, npm_config_registry: "http://127.0.0.1:9/", npm_config_cache: path.join(dir, "npm-cache"), npm_config_fetch_retries: "0" },
      });
    return { dir, run };
  }

  it("says how it is used, and refuses what is not a Node version", () => {
    const { run } = project();
    const bare = run("26");
    expect(bare.status).toBe(2);
    expect(bare.stderr).toContain("usage: bash scripts/with-node.sh VERSION COMMAND [ARG...]");
    const wrong = run("latest", "node", "-v");
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toContain("with-node: 'latest' is not a Node version: give a major line (26) or an exact version (26.12.1).");
  });

  it("runs the command with a release already unpacked first on PATH, asking no registry", () => {
    const { dir, run } = project({ "26.12.1": 'echo "v26.12.1 (stand-in)"' });
    const ran = run("26.12.1", "bash", "-c", 'command -v node; node --version');
    expect(ran.stderr).toContain(`with-node: Node v26.12.1 (stand-in) (${dir}/node_modules/.cache/replication-lab-node/26.12.1/bin/node)`);
    expect(ran.stdout).toBe(`${dir}/node_modules/.cache/replication-lab-node/26.12.1/bin/node\nv26.12.1 (stand-in)\n`);
    expect(ran.status).toBe(0);
  });

  it("says what failed and what to do when the registry cannot be reached, and leaves nothing half unpacked", () => {
    const { dir, run } = project();
    for (const version of ["26.12.1", "26"]) {
      const failed = run(version, "node", "-v");
      expect(failed.status).toBe(1);
      expect(failed.stderr).toContain(`with-node: could not fetch Node ${version} (node-`);
      expect(failed.stderr).toContain("Check the network (or the version: npm view node-");
      expect(failed.stderr).not.toMatch(/^\s+at /m);
    }
    const cache = path.join(dir, "node_modules/.cache/replication-lab-node");
    expect(readdirSync(cache)).toEqual([]);
  }, 60_000);
});

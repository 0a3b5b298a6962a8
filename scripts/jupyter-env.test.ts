import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readlinkSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ensureLibraryLink, hiddenNames, jupyterEnv, projectRoot } from "./jupyter-env";

describe("project-local Jupyter settings", () => {
  it("are the same in the shell scripts and the TypeScript scripts", () => {
    const shell = execFileSync("bash", ["-c", 'source "$1" && env', "env", path.join(projectRoot, "scripts", "jupyter-env.sh")], {
      encoding: "utf8",
      env: {},
    });
    const fromShell = Object.fromEntries(shell.trim().split("\n").map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]));
    for (const [name, value] of Object.entries(jupyterEnv())) {
      expect(fromShell[name], name).toBe(value);
    }
  });

  it("hide the same names from the file list in the shell scripts and the TypeScript scripts", () => {
    const shell = execFileSync("bash", ["-c", 'source "$1" && printf "%s\\n" "${RL_HIDDEN_NAMES[@]}"', "names", path.join(projectRoot, "scripts", "jupyter-env.sh")], {
      encoding: "utf8",
      env: {},
      stdio: ["ignore", "pipe", "pipe"],
    });
    expect(shell.trim().split("\n")).toEqual(hiddenNames);
    expect(hiddenNames).toEqual(expect.arrayContaining(["node_modules", "dist"]));
  });

  it("put every Jupyter folder inside the project, none in the home directory", () => {
    for (const [name, value] of Object.entries(jupyterEnv())) {
      expect(path.relative(projectRoot, value).startsWith(".."), `${name}=${value}`).toBe(false);
    }
  });
});

describe("ensureLibraryLink", () => {
  function fakeProject(): string {
    const root = mkdtempSync(path.join(tmpdir(), "link-"));
    mkdirSync(path.join(root, "dist"));
    mkdirSync(path.join(root, "node_modules"));
    writeFileSync(path.join(root, "dist", "index.cjs"), "");
    return root;
  }

  it("links node_modules/replication-lab to the project after npm removed it", () => {
    const root = fakeProject();
    ensureLibraryLink(root);
    expect(readlinkSync(path.join(root, "node_modules", "replication-lab"))).toBe("..");
    rmSync(root, { recursive: true, force: true });
  });

  it("replaces a link that points elsewhere", () => {
    const root = fakeProject();
    symlinkSync("/tmp", path.join(root, "node_modules", "replication-lab"));
    ensureLibraryLink(root);
    expect(readlinkSync(path.join(root, "node_modules", "replication-lab"))).toBe("..");
    rmSync(root, { recursive: true, force: true });
  });

  it("refuses, saying why, when node_modules is a link to another checkout's", () => {
    const root = realpathSync(fakeProject());
    const other = realpathSync(fakeProject());
    symlinkSync("..", path.join(other, "node_modules", "replication-lab"));
    rmSync(path.join(root, "node_modules"), { recursive: true });
    symlinkSync(path.join(other, "node_modules"), path.join(root, "node_modules"));
    expect(() => ensureLibraryLink(root)).toThrow(
      `node_modules is not this project's own folder: it is a link to ${other}/node_modules, so "replication-lab" would load ${other}, not this project.`,
    );
    expect(readlinkSync(path.join(other, "node_modules", "replication-lab"))).toBe("..");
    rmSync(root, { recursive: true, force: true });
    rmSync(other, { recursive: true, force: true });
  });

  it("asks for setup when the library bundle was never built", () => {
    const root = fakeProject();
    rmSync(path.join(root, "dist"), { recursive: true });
    expect(() => ensureLibraryLink(root)).toThrow(/run `npm run setup`/);
    rmSync(root, { recursive: true, force: true });
  });
});

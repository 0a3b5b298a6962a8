import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { buildRelease, parseReleaseArgs } from "./release";
import { releaseNotebook } from "./release-notebooks";
import { exerciseTitle, notebookTitle } from "./release-readme";
import { brokenImports, isReleased, releasePackageJson } from "./release-rules";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}, 120_000);
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "rl-release-test-"));
  dirs.push(dir);
  return dir;
}
function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

describe("release rules", () => {
  it("leave out answers, the secret, instructor docs and instructor tools, and keep the rest", () => {
    for (const file of ["solutions/05-leader-election.ts", "grader/variants/05-x/a.ts", "grader/.secret", "docs/INSTRUCTORS.md", "scripts/release.ts", "scripts/gradescope.test.ts", "scripts/new-exercise.ts", "scripts/new-exercise-templates.ts", "scripts/release-rules.ts", "grader/screen.test.ts", "grader/platforms/gradescope.test.ts", "grader/fixtures/syntax-error.ts.txt"]) {
      expect(isReleased(file), file).toBe(false);
    }
    for (const file of ["exercises/05-leader-election.ts", "grader/exercises/05-leader-election.test.ts", "grader/cli.ts", "lib/index.ts", "notebooks/00-start-here.ipynb", "scripts/setup.sh", "package.json"]) {
      expect(isReleased(file), file).toBe(true);
    }
  });

  it("drop the npm scripts that run a left-out file", () => {
    const pkg = JSON.stringify({ scripts: { release: "tsx scripts/release.ts", grade: "tsx grader/cli.ts", start: "bash scripts/start.sh" } });
    expect(JSON.parse(releasePackageJson(pkg)).scripts).toEqual({ grade: "tsx grader/cli.ts", start: "bash scripts/start.sh" });
  });

  it("find a kept file that imports a left-out one", () => {
    const root = tempDir();
    write(join(root, "solutions/05-x.ts"), "export const answer = 1;\n");
    write(join(root, "grader/peek.ts"), 'import { answer } from "../solutions/05-x";\nconst lazy = () => import("../solutions/05-x.js");\n');
    write(join(root, "grader/fine.ts"), 'import { x } from "../lib/index";\n');
    expect(brokenImports(root, ["grader/peek.ts", "grader/fine.ts"])).toEqual([
      "grader/peek.ts imports ../solutions/05-x (left out)",
      "grader/peek.ts imports ../solutions/05-x.js (left out)",
    ]);
  });
});

describe("releaseNotebook", () => {
  const notebook = JSON.stringify({
    nbformat: 4,
    cells: [
      { cell_type: "markdown", metadata: {}, source: "# Lag" },
      { cell_type: "code", metadata: { tags: ["instructor-only"] }, source: "answer()", outputs: [], execution_count: null },
      { cell_type: "code", metadata: {}, source: "simulate()", outputs: [{ output_type: "stream", text: "42" }], execution_count: 3 },
    ],
  });

  it("drops instructor-only cells and, when asked, every output", () => {
    const cleared = JSON.parse(releaseNotebook(notebook, { clearOutputs: true }));
    expect(cleared.cells.map((c: { source: string }) => c.source)).toEqual(["# Lag", "simulate()"]);
    expect(cleared.cells[1]).toMatchObject({ outputs: [], execution_count: null });
  });

  it("keeps outputs by default", () => {
    const kept = JSON.parse(releaseNotebook(notebook, { clearOutputs: false }));
    expect(kept.cells[1].outputs).toHaveLength(1);
  });

  it("keeps a notebook that needs no change byte for byte", () => {
    const plain = '{\n "cells": [],\n "nbformat": 4\n}\n';
    expect(releaseNotebook(plain, { clearOutputs: true })).toBe(plain);
  });
});

describe("student README titles", () => {
  it("come from the exercise's doc comment and the notebook's first heading", () => {
    expect(exerciseTitle("/**\n * Exercise 05 — Leader election: who leads?\n */", "05-x.ts")).toBe("Leader election: who leads?");
    expect(notebookTitle(JSON.stringify({ cells: [{ cell_type: "markdown", source: ["intro\n", "## Replication lag\n"] }] }), "01.ipynb")).toBe("Replication lag");
  });
});

describe("parseReleaseArgs", () => {
  it("requires --out and names an unknown option", () => {
    expect(() => parseReleaseArgs([])).toThrow("--out DIR is required");
    expect(() => parseReleaseArgs(["--out", "x", "--solutions"])).toThrow('unknown option "--solutions"');
    expect(parseReleaseArgs(["--out", "x", "--clear-outputs", "--classroom"])).toEqual({ out: "x", clearOutputs: true, classroom: true });
  });
});

describe("buildRelease", () => {
  it("refuses to write inside the project or over a folder that has files", () => {
    expect(() => buildRelease({ out: join(ROOT, "release-here") })).toThrow(/--out must be outside the project/);
    const full = tempDir();
    writeFileSync(join(full, "x"), "");
    expect(() => buildRelease({ out: full })).toThrow(/already exists and is not an empty folder/);
  });

  it("refuses to ship an exercise that still holds a TODO(instructor)", () => {
    const root = tempDir();
    write(join(root, "package.json"), "{}");
    write(join(root, "exercises/09-x.ts"), "// Exercise 09 — TODO(instructor): the title\n");
    expect(() => buildRelease({ root, out: join(tempDir(), "r"), env: {} })).toThrow(
      "unfinished exercise files (they still say TODO(instructor)): exercises/09-x.ts",
    );
  });

  it("refuses a release in which a kept file holds the hidden-seed secret", () => {
    const root = tempDir();
    write(join(root, "package.json"), "{}");
    write(join(root, "lib/oops.ts"), 'export const key = "do-not-share-0451";\n');
    expect(() => buildRelease({ root, out: join(tempDir(), "r"), env: { RL_GRADER_SECRET: "do-not-share-0451" } })).toThrow(
      "the hidden-seed secret appears in released files: lib/oops.ts",
    );
  });
});

// The real thing: the project's own student release installs from the lockfile, runs its
// notebooks and grades to zero points untouched. Slow (an npm install and every notebook).
describe("the student release of this project", () => {
  const out = join(tempDir(), "release");
  const run = (command: string, args: string[], timeout = 300_000) =>
    spawnSync(command, args, { cwd: out, encoding: "utf8", timeout, env: { ...process.env, CI: "true", FORCE_COLOR: "0" } });

  it("holds no solutions, variants, secret or instructor guide, and a generated README", () => {
    buildRelease({ out, clearOutputs: true, classroom: true });
    for (const gone of ["solutions", "grader/variants", "grader/.secret", "docs/INSTRUCTORS.md", "scripts/release.ts"]) {
      expect(existsSync(join(out, gone)), gone).toBe(false);
    }
    const readme = readFileSync(join(out, "README.md"), "utf8");
    expect(readme).toContain("## Handing in");
    expect(readme).not.toContain("For instructors");
    expect(existsSync(join(out, ".github/workflows/classroom.yml"))).toBe(true);
    const scripts = JSON.parse(readFileSync(join(out, "package.json"), "utf8")).scripts;
    expect(scripts.release).toBeUndefined();
    expect(scripts.grade).toBeDefined();
  });

  it("installs from the lockfile (offline from the npm cache when it can)", () => {
    const ci = run("npm", ["ci", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"]);
    expect(ci.status, ci.stderr).toBe(0);
    const setup = run("bash", ["scripts/setup.sh"]);
    expect(setup.status, setup.stdout + setup.stderr).toBe(0);
  }, 600_000);

  it("runs every notebook without a cell error", () => {
    const notebooks = readdirSync(join(out, "notebooks")).filter((f) => f.endsWith(".ipynb"));
    const result = run(process.execPath, ["node_modules/tsx/dist/cli.mjs", "scripts/notebooks.ts", "render"], 900_000);
    expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
    for (const file of notebooks) {
      expect(readFileSync(join(out, "notebooks", file), "utf8"), file).not.toContain('"output_type": "error"');
    }
  }, 900_000);

  it("grades to zero points untouched", () => {
    const report = join(out, "untouched.json");
    run(process.execPath, ["node_modules/tsx/dist/cli.mjs", "grader/cli.ts", "--target", "exercises", "--format", "json", "--out", report]);
    const json = JSON.parse(readFileSync(report, "utf8"));
    expect(json.maxScore).toBeGreaterThan(0);
    expect(json.score).toBe(0);
  }, 300_000);
});

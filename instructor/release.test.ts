import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { loadExercises } from "../grader/engine/exercises";
import { checkCell, exerciseFiles, notebookWith, type FixtureTest } from "../grader/fixtures/check-notebook";
import { structureProblems } from "../grader/validate";
import { stubProblems } from "./exercise-stubs";
import { buildRelease, parseReleaseArgs } from "./release";
import { exerciseCalls, releaseNotebook } from "./release-notebooks";
import { exerciseTitle, notebookTitle } from "./release-readme";
import { brokenImports, brokenLinks, brokenScripts, isInstructorScript, isReleased, releasePackageJson } from "./release-rules";

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
/** Runs git in `root` and throws with its output if it fails. */
function git(root: string, ...args: string[]): void {
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1" };
  for (const name of ["GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"]) delete env[name];
  const result = spawnSync("git", ["-c", "user.name=Instructor", "-c", "user.email=i@example.org", "-c", "commit.gpgsign=false", ...args], { cwd: root, encoding: "utf8", env });
  if (result.status !== 0) throw new Error(`git ${args.join(" ")}: ${result.stderr}`);
}
/** Makes `root` a git checkout whose one commit holds every file in it. */
function commitAll(root: string): void {
  git(root, "init", "-q");
  git(root, "add", "-A");
  git(root, "commit", "-q", "-m", "course");
}

describe("release rules", () => {
  it("leave out whole folders: answers, known-wrong answers, instructor tools and their guide, the grader's self-tests", () => {
    for (const file of [
      "solutions/05-leader-election.ts",
      "grader/variants/05-x/a.ts",
      "grader/.secret",
      "instructor/README.md",
      "instructor/release.ts",
      "instructor/a-tool-added-later.ts",
      "instructor/gradescope.test.ts",
      "grader/screen.test.ts",
      "grader/platforms/gradescope.test.ts",
      "grader/fixtures/syntax-error.ts.txt",
      "grader/fixtures/fake-grader.ts",
      "grader/README.student.md", // shipped as grader/README.md
    ]) {
      expect(isReleased(file), file).toBe(false);
    }
    for (const file of [
      "exercises/05-leader-election.ts",
      "grader/exercises/05-leader-election.test.ts",
      "grader/cli.ts",
      "grader/platforms/gradescope/run.ts",
      "lib/index.ts",
      "lib/sim.test.ts",
      "notebooks/00-start-here.ipynb",
      "scripts/setup.sh",
      "scripts/notebooks.ts",
      "package.json",
    ]) {
      expect(isReleased(file), file).toBe(true);
    }
  });

  it("drop the npm scripts that run a left-out file or folder, or the grader's validation", () => {
    const pkg = JSON.stringify({
      scripts: {
        release: "tsx instructor/release.ts",
        "test:grader": "vitest run grader/ && tsx grader/cli.ts --validate",
        "bench:batch": "tsx bench/grading/batch.ts",
        grade: "tsx grader/cli.ts",
        "grade:batch": "tsx grader/batch-cli.ts",
        start: "bash scripts/start.sh",
        postinstall: "node -e \"require('fs')\"",
      },
    });
    expect(JSON.parse(releasePackageJson(pkg)).scripts).toEqual({
      grade: "tsx grader/cli.ts",
      start: "bash scripts/start.sh",
      postinstall: "node -e \"require('fs')\"",
    });
    expect(isInstructorScript("npm run grade -- --validate --only 05")).toBe(true);
    expect(isInstructorScript("tsx grader/cli.ts --target exercises")).toBe(false);
  });

  it("find a kept npm script that runs a file the release does not hold", () => {
    const root = tempDir();
    write(join(root, "package.json"), JSON.stringify({ scripts: { ok: "bash scripts/setup.sh", gone: "tsx scripts/moved-away.ts" } }));
    write(join(root, "scripts/setup.sh"), "");
    expect(brokenScripts(root)).toEqual(["npm run gone: runs scripts/moved-away.ts, which the release does not hold"]);
  });

  it("leave no instructor-only script in this project's release", () => {
    const scripts = JSON.parse(releasePackageJson(readFileSync(join(ROOT, "package.json"), "utf8"))).scripts as Record<string, string>;
    for (const gone of ["release", "gradescope", "new-exercise", "test:grader", "bench:batch", "bench:grader", "grade:batch"]) expect(scripts[gone], gone).toBeUndefined();
    for (const [name, command] of Object.entries(scripts)) expect(command, name).not.toMatch(/instructor\/|solutions\/|--validate/);
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

describe("brokenLinks", () => {
  it("finds every relative link of the Markdown and the notebooks' Markdown cells that leads outside the release or to nothing", () => {
    const root = tempDir();
    write(join(root, "README.md"), [
      "[guide](grader/README.md) [here](#start) [web](https://example.org/x.md) [mail](mailto:a@b.c)",
      "[gone](instructor/README.md#release) ![chart](docs/chart.png \"a chart\") [out](../elsewhere.md)",
      "[folder](exercises/) [spaced](docs/my%20notes.md) <a href=\"solutions/05.ts\">answer</a>",
      "[ref]: notebooks/01.ipynb",
      "`[in code](not/a/link.md)`",
      "```md",
      "[in a block](not/a/link.md)",
      "```",
    ].join("\n"));
    write(join(root, "grader/README.md"), "[back](../README.md) [guide](../instructor/README.md)\n");
    write(join(root, "exercises/05.ts"), "");
    write(join(root, "docs/my notes.md"), "");
    write(join(root, "notebooks/01.ipynb"), JSON.stringify({ cells: [{ cell_type: "markdown", source: ["See [the grader](../grader/README.md) ", "and [answers](../solutions/)."] }, { cell_type: "code", source: "[x](nowhere)" }] }));
    expect(brokenLinks(root, ["README.md", "grader/README.md", "exercises/05.ts", "docs/my notes.md", "notebooks/01.ipynb"])).toEqual([
      "README.md links to instructor/README.md#release, which the release does not hold",
      "README.md links to docs/chart.png, which the release does not hold",
      "README.md links to ../elsewhere.md, outside the release",
      "README.md links to solutions/05.ts, which the release does not hold",
      "grader/README.md links to ../instructor/README.md, which the release does not hold",
      "notebooks/01.ipynb links to ../solutions/, which the release does not hold",
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

describe("exerciseCalls", () => {
  it("finds the exercise ids a notebook's code cells pass to the workbook's helpers", () => {
    const code = (source: string, tags: string[] = []) => ({ cell_type: "code", metadata: { tags }, source, outputs: [] });
    const notebook = notebookWith(
      code('await check("05", "06", "07");\nhint("01", { all: true });'),
      code('await drawCase("01", "three followers, twenty busy clients");\nconst { routeRead } = await tryExercise(\'08\');'),
      { cell_type: "markdown", metadata: {}, source: 'Run `check("09")` below.' },
      code('solution("02", { confirm: true }); progress();', ["instructor-only"]),
    );
    expect(exerciseCalls(notebook).map((c) => `${c.cell}:${c.id}`)).toEqual(["2:05", "2:06", "2:07", "2:01", "3:01", "3:08", "5:02"]);
    expect(exerciseCalls(notebook, (cell) => cell.metadata?.tags?.includes("instructor-only") === true).map((c) => c.id)).toEqual(["05", "06", "07", "01", "01", "08"]);
    expect(exerciseCalls("not a notebook")).toEqual([]);
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
    expect(parseReleaseArgs(["--out", "x", "--clear-outputs", "--github-actions", "--classroom"])).toEqual({ out: "x", clearOutputs: true, githubActions: true, classroom: true });
    expect(parseReleaseArgs(["--out", "x", "--working-tree"])).toEqual({ out: "x", workingTree: true });
  });
});

describe("buildRelease", () => {
  it("refuses to write inside the project or over a folder that has files", () => {
    expect(() => buildRelease({ out: join(ROOT, "release-here") })).toThrow(/--out must be outside the project/);
    const full = tempDir();
    writeFileSync(join(full, "x"), "");
    expect(() => buildRelease({ out: full })).toThrow(/already exists and is not an empty folder/);
  });

  /** A tiny project with one kept file, plus what `extra` adds, all committed to git (unless `git` is false). */
  function tinyProject(extra: Record<string, string>, { git: inGit = true } = {}): string {
    const root = tempDir();
    write(join(root, "package.json"), JSON.stringify({ scripts: { start: "bash scripts/start.sh" } }));
    write(join(root, "scripts/start.sh"), "echo start\n");
    for (const [file, text] of Object.entries(extra)) write(join(root, file), text);
    if (inGit) commitAll(root);
    return root;
  }

  /** An exercise file as the students get it: the stub of `npm run new-exercise`. */
  const stub = (id: string, fn: string, name = `${id}-x`) =>
    `/** Exercise ${id} — A question */\nimport { NotImplementedError } from "../lib";\n\n/** What it returns. */\nexport function ${fn}(values: number[]): number {\n` +
    `  throw new NotImplementedError(\n    "${id}: ${fn} is not implemented yet: write it in exercises/${name}.ts (replace this throw)",\n  );\n}\n`;

  /** Expects nothing at `out` and no scratch folder beside it. */
  function expectNothingWritten(out: string): void {
    expect(existsSync(out), out).toBe(false);
    expect(readdirSync(dirname(out))).toEqual([]);
  }

  it("looks for unfinished exercises where new-exercise writes, not in the grader that names the marker", () => {
    const root = tinyProject({ "grader/validate.ts": 'const hint = "still says TODO(instructor)";\n', "notebooks/04-x.ipynb": '{"cells": [{"source": "## Exercise 09: TODO(instructor): title"}]}' });
    expect(() => buildRelease({ root, out: join(tempDir(), "r"), env: {} })).toThrow(/^unfinished files \(they still say TODO\(instructor\)\): notebooks\/04-x\.ipynb\n/);
  });

  it("refuses to ship a file that still holds a TODO(instructor), and deletes what it wrote", () => {
    const root = tinyProject({ "exercises/09-x.ts": "// Exercise 09 — TODO(instructor): the title\n" });
    const out = join(tempDir(), "r");
    expect(() => buildRelease({ root, out, env: {} })).toThrow("unfinished files (they still say TODO(instructor)): exercises/09-x.ts");
    expectNothingWritten(out);
  });

  it("refuses a release in which a kept file holds the hidden-seed secret, and deletes what it wrote", () => {
    const root = tinyProject({ "lib/oops.ts": 'export const key = "do-not-share-0451";\n' });
    const out = join(tempDir(), "r");
    expect(() => buildRelease({ root, out, env: { RL_GRADER_SECRET: "do-not-share-0451" } })).toThrow(
      "the hidden-seed secret appears in released files: lib/oops.ts",
    );
    expectNothingWritten(out);
  });

  it("leaves an empty --out folder it was given empty when it refuses", () => {
    const root = tinyProject({ "exercises/09-x.ts": "TODO(instructor)\n" });
    const out = join(tempDir(), "given");
    mkdirSync(out);
    expect(() => buildRelease({ root, out, env: {} })).toThrow("unfinished files");
    expect(readdirSync(out)).toEqual([]);
    expect(readdirSync(dirname(out))).toEqual(["given"]);
  });

  it("refuses a release whose Markdown links to a left-out file, and deletes what it wrote", () => {
    const root = tinyProject({ "docs/grading.md": "See [the instructor guide](../instructor/README.md).\n", "instructor/README.md": "# Guide\n" });
    const out = join(tempDir(), "r");
    expect(() => buildRelease({ root, out, env: {} })).toThrow(
      "links in the released Markdown lead nowhere:\n  docs/grading.md links to ../instructor/README.md, which the release does not hold",
    );
    expectNothingWritten(out);
  });

  it("ships the students' grader guide as grader/README.md, and refuses to ship the instructors' without one", () => {
    const root = tinyProject({ "grader/README.md": "# For instructors: --validate\n", "grader/README.student.md": "# For students\n" });
    const out = join(tempDir(), "r");
    const result = buildRelease({ root, out, env: {} });
    expect(result.files).toEqual(["README.md", "grader/README.md", "package.json", "scripts/start.sh"]);
    expect(readFileSync(join(out, "grader/README.md"), "utf8")).toBe("# For students\n");

    const without = tinyProject({ "grader/README.md": "# For instructors: --validate\n" });
    const nowhere = join(tempDir(), "r");
    expect(() => buildRelease({ root: without, out: nowhere, env: {} })).toThrow("grader/README.md is for instructors and grader/README.student.md, the students' version shipped in its place, is missing");
    expectNothingWritten(nowhere);
  });

  it("ships only the files git tracks: scratch files, notes and drawings beside them are left on disk", () => {
    const root = tinyProject({ "exercises/05-x.ts": stub("05", "choose"), "notebooks/01-intro.ipynb": '{"cells": [], "nbformat": 4}\n' });
    write(join(root, "my-notes.ts"), "// what I told the TA\n");
    write(join(root, "case.svg"), "<svg/>\n");
    write(join(root, "notebooks/zz-scratch.ipynb"), '{"cells": [], "nbformat": 4}\n');
    const out = join(tempDir(), "r");
    const result = buildRelease({ root, out, env: {} });
    expect(result.files).toEqual(["README.md", "exercises/05-x.ts", "notebooks/01-intro.ipynb", "package.json", "scripts/start.sh"]);
    expect(result.untracked).toEqual(["case.svg", "my-notes.ts", "notebooks/zz-scratch.ipynb"]);
    for (const scratch of ["my-notes.ts", "case.svg", "notebooks/zz-scratch.ipynb"]) expect(existsSync(join(out, scratch)), scratch).toBe(false);
    // Even when told to ship the working tree as it is: a file git does not track is not the course's.
    const asIs = buildRelease({ root, out: join(tempDir(), "r"), env: {}, workingTree: true });
    expect(asIs.files).toEqual(result.files);
  });

  it("refuses, writing nothing, when a file it would ship has uncommitted changes, naming it and how to fix it", () => {
    const root = tinyProject({ "exercises/05-x.ts": stub("05", "choose"), "lib/sim.ts": "export const x = 1;\n", "solutions/05-x.ts": "export const y = 1;\n" });
    write(join(root, "lib/sim.ts"), "export const x = 2; // trying something\n");
    write(join(root, "lib/new.ts"), "export const z = 3;\n");
    git(root, "add", "lib/new.ts");
    write(join(root, "solutions/05-x.ts"), "export const y = 2;\n"); // not shipped: no reason to refuse
    const out = join(tempDir(), "r");
    let message = "";
    try {
      buildRelease({ root, out, env: {} });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^uncommitted changes in files the release would ship:\n {2}lib\/new\.ts \(new, not committed\)\n {2}lib\/sim\.ts \(modified\)\n/);
    expect(message).toContain("git commit");
    expect(message).toContain("git stash");
    expect(message).toContain("--working-tree");
    expect(message).not.toContain("solutions/");
    expectNothingWritten(out);

    // --working-tree ships them as they are on disk, and says so.
    const asIs = buildRelease({ root, out, env: {}, workingTree: true });
    expect(readFileSync(join(out, "lib/sim.ts"), "utf8")).toContain("x = 2");
    expect(asIs.uncommitted).toEqual(["lib/new.ts", "lib/sim.ts"]);
  });

  it("refuses, when a file it would ship was deleted but not committed, or a project has no commit yet", () => {
    const root = tinyProject({ "lib/gone.ts": "export {};\n" });
    rmSync(join(root, "lib/gone.ts"));
    expect(() => buildRelease({ root, out: join(tempDir(), "r"), env: {} })).toThrow("  lib/gone.ts (deleted)\n");

    const fresh = tinyProject({}, { git: false });
    git(fresh, "init", "-q");
    git(fresh, "add", "-A");
    expect(() => buildRelease({ root: fresh, out: join(tempDir(), "r"), env: {} })).toThrow("  package.json (new, not committed)\n");
  });

  it("outside a git checkout, refuses unless --working-tree says to ship every file in the folder", () => {
    const root = tinyProject({ "lib/a.ts": "export {};\n" }, { git: false });
    const out = join(tempDir(), "r");
    expect(() => buildRelease({ root, out, env: {} })).toThrow(/is not a git checkout, so the release cannot tell the project's files from scratch files.*--working-tree/s);
    expectNothingWritten(out);
    const result = buildRelease({ root, out, env: {}, workingTree: true });
    expect(result.files).toEqual(["README.md", "lib/a.ts", "package.json", "scripts/start.sh"]);
    expect(result.git).toBe(false);
  });

  it("refuses a kept file that imports one git does not track", () => {
    const root = tinyProject({ "lib/index.ts": 'export * from "./helper";\n' });
    write(join(root, "lib/helper.ts"), "export const h = 1;\n");
    expect(() => buildRelease({ root, out: join(tempDir(), "r"), env: {} })).toThrow("lib/index.ts imports ./helper (git does not track it: git add and commit it)");
  });

  it("refuses, naming the file and function, a committed exercise that no longer throws its stub error", () => {
    const answered = stub("05", "choose").replace(/throw new NotImplementedError\([\s\S]*?\);/, "return Math.max(...values);");
    const root = tinyProject({ "exercises/05-x.ts": answered, "exercises/06-y.ts": stub("06", "pick", "06-y") });
    const out = join(tempDir(), "r");
    expect(() => buildRelease({ root, out, env: {} })).toThrow(
      "exercise files that are not the students' stubs (an answer, or an answer begun):\n  exercises/05-x.ts: choose does more than throw its stub error",
    );
    expectNothingWritten(out);
    // And when shipped from the working tree, an answer written there but not committed.
    const tried = tinyProject({ "exercises/06-y.ts": stub("06", "pick", "06-y") });
    write(join(tried, "exercises/06-y.ts"), stub("06", "pick", "06-y").replace("throw new", "if (values.length === 0) return 0;\n  throw new"));
    expect(() => buildRelease({ root: tried, out, env: {}, workingTree: true })).toThrow("exercises/06-y.ts: pick does more than throw its stub error");
    expectNothingWritten(out);
  });

  it("ships an exercise with a function tagged @starter, as long as one function is still a stub", () => {
    const starter = `${stub("05", "choose")}\n/**\n * Sorts the values; use it in choose.\n * @starter\n */\nexport const sorted = (values: number[]): number[] => [...values].sort((a, b) => a - b);\n`;
    const root = tinyProject({ "exercises/05-x.ts": starter });
    const out = join(tempDir(), "r");
    buildRelease({ root, out, env: {} });
    expect(readFileSync(join(out, "exercises/05-x.ts"), "utf8")).toBe(starter);
  });

  it("refuses, with validation's own message, an exercise whose meta.json does not give 2 or 3 hints", () => {
    const tests = [{ name: "follows the rule", points: 2 }];
    const root = tinyProject(exerciseFiles("09", tests, { hints: ["The only hint."] }));
    const out = join(tempDir(), "r");
    const line = '09-x.meta.json: "hints" must be 2 or 3 strings, each nearer the answer';
    expect(structureProblems(root, loadExercises(root)[0])).toContain(line);
    expect(() => buildRelease({ root, out, env: {} })).toThrow(`exercise metadata that \`npm run grade -- --validate\` fails (hint() and the students' README read it):\n  ${line}\n`);
    expectNothingWritten(out);
    buildRelease({ root: tinyProject(exerciseFiles("09", tests)), out, env: {} });
  });

  it("refuses notebook outputs of check() that state an exercise's points or tests as they were, unless it clears the outputs", () => {
    const was: FixtureTest[] = [{ name: "follows the rule", points: 2 }, { name: "random cases", points: 1 }, { name: "random cases (hidden seeds)", points: 3, visibility: "hidden" }];
    const now = was.map((t) => (t.name === "random cases" ? { ...t, points: 2 } : t));
    const notebook = notebookWith({ cell_type: "code", metadata: {}, source: ["1 + 1"], outputs: [], execution_count: 1 }, checkCell("09", was));
    const root = tinyProject({ ...exerciseFiles("09", now), "notebooks/01-x.ipynb": notebook });
    const out = join(tempDir(), "r");
    expect(() => buildRelease({ root, out, env: {} })).toThrow(
      "notebook outputs of check() that state an exercise's public tests or points as they no longer are:\n" +
        '  notebooks/01-x.ipynb, cell 3 (await check("09");): it says 09 is out of 3 points; its public tests are now worth 4. ' +
        "Render it again: npm run notebooks:render -- notebooks/01-x.ipynb\n",
    );
    expectNothingWritten(out);
    // Shipped without outputs, or in a cell the release drops, the old result reaches no student.
    buildRelease({ root, out, env: {}, clearOutputs: true });
    const dropped = notebookWith(checkCell("09", was, { tags: ["instructor-only"] }), checkCell("09", now));
    buildRelease({ root: tinyProject({ ...exerciseFiles("09", now), "notebooks/01-x.ipynb": dropped }), out: join(tempDir(), "r"), env: {} });
  });

  it("refuses notebook cells that call an exercise the release does not hold, naming the files git does not track", () => {
    const tests: FixtureTest[] = [{ name: "follows the rule", points: 2 }];
    const pose = { cell_type: "code", metadata: {}, source: ['import { check, hint } from "replication-lab";\n', 'await check("09");'], outputs: [], execution_count: null };
    const root = tinyProject({ ...exerciseFiles("05", tests), "notebooks/01-x.ipynb": notebookWith(checkCell("05", tests), pose) });
    // The exercise was scaffolded and posed, but its files were never added to git.
    for (const [file, text] of Object.entries(exerciseFiles("09", tests))) write(join(root, file), text);
    const out = join(tempDir(), "r");
    expect(() => buildRelease({ root, out, env: {}, workingTree: true })).toThrow(
      "notebook cells that call an exercise the release does not hold (check() and hint() would fail for students):\n" +
        '  notebooks/01-x.ipynb, cell 3 (await check("09");): exercise 09 is not in the release (git does not track grader/exercises/09-x.meta.json, grader/exercises/09-x.test.ts)\n',
    );
    expectNothingWritten(out);
    // Without the exercise at all, the message says there are no graded tests; a cell the release drops does not count.
    const gone = tinyProject({ ...exerciseFiles("05", tests), "notebooks/01-x.ipynb": notebookWith(pose) });
    expect(() => buildRelease({ root: gone, out, env: {} })).toThrow("exercise 09 is not in the release (there is no grader/exercises/09-*.test.ts)");
    const dropped = tinyProject({ ...exerciseFiles("05", tests), "notebooks/01-x.ipynb": notebookWith({ ...pose, metadata: { tags: ["instructor-only"] } }) });
    buildRelease({ root: dropped, out, env: {} });
  });

  it("writes a release that passes its checks into --out, and nothing beside it", () => {
    const root = tinyProject({ "instructor/tool.ts": "export {};\n", "solutions/09-x.ts": "export {};\n" });
    const out = join(tempDir(), "r");
    const result = buildRelease({ root, out, env: {} });
    expect(result.files).toEqual(["README.md", "package.json", "scripts/start.sh"]);
    expect(result.left).toEqual(["instructor/tool.ts", "solutions/09-x.ts"]);
    expect(readdirSync(dirname(out))).toEqual(["r"]);
  });
});

describe("stubProblems", () => {
  const throwing = (id: string, fn: string) => `throw new NotImplementedError("${id}: ${fn} is not implemented yet: write it in exercises/${id}-x.ts (replace this throw)");`;

  it("passes every stub of this project's exercises", () => {
    for (const file of readdirSync(join(ROOT, "exercises")).filter((f) => /^\d+-.*\.ts$/.test(f))) {
      expect(stubProblems(`exercises/${file}`, readFileSync(join(ROOT, "exercises", file), "utf8")), file).toEqual([]);
    }
  });

  it("names every function that does more than throw, exported or not, every exported value, and a file with no stub at all", () => {
    const text = [
      `export function a(): number { ${throwing("02", "a")} }`,
      `export function b(): number { return 1; }`,
      `export const c = (): number => { const x = 1; ${throwing("02", "c")} };`,
      `export const d = (): number => 4;`,
      `function helper(): number { return 5; }`, // not exported, but students get the whole file
      `/** @starter */`,
      `function given(): number { return 5; }`,
      `export const table = [1, 2, 3];`,
      `/** @starter */`,
      `export const names = ["A", "B"];`,
      `const limit = 3;`,
      `export class Store { write(): void { ${throwing("02", "write")} } read(): number { return 1; } }`,
      `function e(): number { return 6; }`,
      `export { e };`,
      `export function f(): number { throw new Error("02: f is not implemented yet"); }`,
    ].join("\n");
    expect(stubProblems("exercises/02-x.ts", text).map((p) => p.replace(/ \(throw new.*$/, ""))).toEqual([
      "exercises/02-x.ts: b does more than throw its stub error",
      "exercises/02-x.ts: c does more than throw its stub error",
      "exercises/02-x.ts: d does more than throw its stub error",
      "exercises/02-x.ts: helper does more than throw its stub error",
      "exercises/02-x.ts: Store.read does more than throw its stub error",
      "exercises/02-x.ts: e does more than throw its stub error",
      "exercises/02-x.ts: f does more than throw its stub error",
      "exercises/02-x.ts: table is an exported value, not a function that throws its stub error (tag it @starter if students get it as it is)",
    ]);
    expect(stubProblems("exercises/03-x.ts", "export const answer = 42;\n")).toEqual([
      "exercises/03-x.ts: answer is an exported value, not a function that throws its stub error (tag it @starter if students get it as it is)",
      'exercises/03-x.ts: no exported function throws its stub error (throw new NotImplementedError("… not implemented yet …"))',
    ]);
    expect(stubProblems("exercises/03-x.ts", `/** @starter */\nexport function given(): number { return 1; }\n`)).toHaveLength(1);
  });
});

// The project's own release, as files only (quick): what its documentation says and links to.
describe("the documentation in this project's student release", () => {
  const out = join(tempDir(), "docs-release");
  const built = () => (existsSync(join(out, "package.json")) ? undefined : buildRelease({ out, githubActions: true, workingTree: true }));

  it("gives students a grader guide of their own, without the instructors' commands, secrets or batch grading", () => {
    built();
    const guide = readFileSync(join(out, "grader/README.md"), "utf8");
    expect(guide).toBe(readFileSync(join(ROOT, "grader/README.student.md"), "utf8"));
    for (const word of ["--validate", "RL_GRADER_SECRET", ".secret", "--batch", "--reveal-hidden", "variants", "fixtures", "HMAC"]) expect(guide, word).not.toContain(word);
    for (const topic of ["check(", "npm run grade", "Public and hidden tests", "npm run replay", "sandbox", "Where to ask"]) expect(guide, topic).toContain(topic);
    expect(existsSync(join(out, "grader/README.student.md"))).toBe(false);
    expect(existsSync(join(out, "grader/SPEED.md"))).toBe(false);
    expect(readFileSync(join(out, "README.md"), "utf8")).toContain("[grader/README.md](grader/README.md)");
  });

  it("has no relative link, in any Markdown file or notebook, to a file the release leaves out", () => {
    built();
    const files = (spawnSync("find", [".", "-type", "f"], { cwd: out, encoding: "utf8" }).stdout as string)
      .split("\n")
      .filter((f) => /\.(md|ipynb)$/.test(f))
      .map((f) => f.replace(/^\.\//, ""));
    expect(files).toEqual(expect.arrayContaining(["README.md", "grader/README.md", "notebooks/00-start-here.ipynb"]));
    expect(brokenLinks(out, files)).toEqual([]);
  });
});

// The real thing: the project's own student release installs from the lockfile, type-checks,
// passes its own unit tests, runs its notebooks and grades to zero points untouched. Slow (an
// npm install, a unit-test run and every notebook).
describe("the student release of this project", () => {
  const out = join(tempDir(), "release");
  const run = (command: string, args: string[], timeout = 300_000) =>
    spawnSync(command, args, { cwd: out, encoding: "utf8", timeout, env: { ...process.env, CI: "true", FORCE_COLOR: "0" } });
  const tool = (script: string, ...args: string[]) => [join(out, "node_modules", script), ...args];

  it("holds no solutions, variants, secret or instructor tools, a generated README and the grading workflow", () => {
    buildRelease({ out, clearOutputs: true, githubActions: true, workingTree: true });
    for (const gone of ["solutions", "grader/variants", "grader/.secret", "grader/fixtures", "instructor"]) {
      expect(existsSync(join(out, gone)), gone).toBe(false);
    }
    const readme = readFileSync(join(out, "README.md"), "utf8");
    expect(readme).toContain("## Handing in");
    expect(readme).not.toContain("For instructors");
    expect(readme).toContain('the check "Replication Lab score"');
    expect(existsSync(join(out, ".github/workflows/replication-lab.yml"))).toBe(true);
    const scripts = JSON.parse(readFileSync(join(out, "package.json"), "utf8")).scripts;
    expect(scripts.release).toBeUndefined();
    expect(scripts["test:grader"]).toBeUndefined();
    expect(scripts.grade).toBeDefined();
  });

  it("installs from the lockfile (offline from the npm cache when it can), linking the library for tsc", () => {
    const ci = run("npm", ["ci", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"]);
    expect(ci.status, ci.stderr).toBe(0);
    // npm ci alone (no setup) links node_modules/replication-lab, so `tsc` works after `npm run build`.
    expect(readlinkSync(join(out, "node_modules/replication-lab"))).toBe("..");
    const setup = run("bash", ["scripts/setup.sh"]);
    expect(setup.status, setup.stdout + setup.stderr).toBe(0);
  }, 600_000);

  it("type-checks", () => {
    const tsc = run(process.execPath, tool("typescript/bin/tsc", "-p", "."));
    expect(tsc.status, tsc.stdout + tsc.stderr).toBe(0);
  }, 300_000);

  it("passes its own unit tests (the unit phase of its npm test)", () => {
    // All but the PostgreSQL lab's test, the same file this project's own unit phase runs: a
    // second run would start PostgreSQL servers again for nothing the release changes.
    const unit = run(process.execPath, tool("vitest/vitest.mjs", "run", "--exclude", "**/pg-lab/lab.test.ts"), 900_000);
    const failures = unit.stdout.split("\n").filter((line) => /FAIL|×|Error/.test(line)).slice(0, 40).join("\n");
    expect(unit.status, `${failures}\n${unit.stdout.slice(-3000)}\n${unit.stderr.slice(-3000)}`).toBe(0);
    expect(unit.stdout.replace(/\u001b\[[0-9;]*m/g, "")).toMatch(/Tests\s+\d+ passed/);
  }, 900_000);

  it("runs every notebook without a cell error", () => {
    const notebooks = readdirSync(join(out, "notebooks")).filter((f) => f.endsWith(".ipynb"));
    const result = run(process.execPath, [join(out, "node_modules/tsx/dist/cli.mjs"), "scripts/notebooks.ts", "render"], 900_000);
    expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
    for (const file of notebooks) {
      expect(readFileSync(join(out, "notebooks", file), "utf8"), file).not.toContain('"output_type": "error"');
    }
  }, 900_000);

  it("grades to zero points untouched", () => {
    const report = join(out, "untouched.json");
    run(process.execPath, [join(out, "node_modules/tsx/dist/cli.mjs"), "grader/cli.ts", "--target", "exercises", "--format", "json", "--out", report]);
    const json = JSON.parse(readFileSync(report, "utf8"));
    expect(json.maxScore).toBeGreaterThan(0);
    expect(json.score).toBe(0);
  }, 300_000);
});

/**
 * The Gradescope package of this project, end to end: the zip is built, unpacked the way
 * Gradescope unpacks it into a folder laid out like /autograder, setup.sh installs it (Node is
 * already here; npm installs from its cache when it can), and run_autograder grades real uploads.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { appFiles, buildGradescopeZip, parseGradescopeArgs } from "./gradescope";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const work = mkdtempSync(join(tmpdir(), "rl-gradescope-test-"));
chmodSync(work, 0o755); // the grading user must be able to reach the unpacked autograder
afterAll(() => rmSync(work, { recursive: true, force: true }), 120_000);

describe("appFiles", () => {
  it("packs the library, grader and stubs but never solutions, variants or the secret file", () => {
    const files = appFiles(ROOT);
    expect(files).toContain("package-lock.json");
    expect(files).toContain("grader/cli.ts");
    expect(files.some((f) => f.startsWith("exercises/"))).toBe(true);
    expect(files.filter((f) => /^solutions\/|^grader\/variants\/|\.secret$|^notebooks\/|^instructor\/|^grader\/fixtures\/|^grader\/[\w/-]*\.test\.ts$/.test(f) && !f.startsWith("grader/exercises/"))).toEqual([]);
    expect(files).toContain("grader/exercises/05-leader-election.test.ts");
  });
});

describe("appFiles of a working tree", () => {
  /** A project folder (not a git checkout: every file counts) with these files. */
  function project(files: Record<string, string>): string {
    const root = mkdtempSync(join(work, "project-"));
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, file)), { recursive: true });
      writeFileSync(join(root, file), text);
    }
    return root;
  }
  const stub = '/** Exercise 05 — A question */\nimport { NotImplementedError } from "../lib";\n\nexport function choose(values: number[]): number {\n  throw new NotImplementedError("05: choose is not implemented yet: write it in exercises/05-x.ts");\n}\n';

  it("refuses an exercise answered in exercises/ and a file that still says TODO(instructor), naming them", () => {
    const answered = project({ "exercises/05-x.ts": stub.replace(/throw new[^;]*;/, "return Math.max(...values);"), "lib/index.ts": "export {};\n" });
    expect(() => appFiles(answered)).toThrow(/^exercise files that are not the students' stubs \(an answer, or an answer begun\):\n {2}exercises\/05-x\.ts: choose does more than throw its stub error/);
    const unfinished = project({ "exercises/05-x.ts": stub, "grader/exercises/09-y.test.ts": "// Exercise 09 — TODO(instructor): what the tests check\n" });
    expect(() => appFiles(unfinished)).toThrow("unfinished files (they still say TODO(instructor)): grader/exercises/09-y.test.ts;");
    expect(appFiles(project({ "exercises/05-x.ts": stub, "solutions/05-x.ts": "export const answer = 1;\n" }))).toEqual(["exercises/05-x.ts"]);
  });
});

describe("buildGradescopeZip", () => {
  it("refuses to build without a hidden-seed secret unless told to", () => {
    expect(() => buildGradescopeZip({ out: join(work, "x.zip"), env: {}, root: makeRootWithoutSecret() })).toThrow(
      /no hidden-seed secret: set RL_GRADER_SECRET or write one line to grader\/\.secret/,
    );
  });
});

describe("parseGradescopeArgs", () => {
  it("takes the zip path and the options, and names what it refuses", () => {
    expect(parseGradescopeArgs(["--out", "a.zip", "--hidden-visibility", "after_due_date"])).toEqual({ out: "a.zip", hiddenVisibility: "after_due_date" });
    expect(() => parseGradescopeArgs(["--out", "a.tar"])).toThrow('--out must name a .zip file, got "a.tar"');
    expect(() => parseGradescopeArgs(["--out", "a.zip", "--secret"])).toThrow('unknown option "--secret"');
  });

  it("takes the time limit in seconds, within what Gradescope allows", () => {
    expect(parseGradescopeArgs(["--out", "a.zip", "--timeout-s", "900"])).toEqual({ out: "a.zip", timeoutS: 900 });
    expect(() => parseGradescopeArgs(["--out", "a.zip", "--timeout-s", "10"])).toThrow(
      `--timeout-s must be a whole number of seconds from 30 to 2400 (Gradescope's longest limit is 40 minutes), got "10"`,
    );
    expect(() => parseGradescopeArgs(["--out", "a.zip", "--timeout-s", "soon"])).toThrow('--timeout-s must be a whole number of seconds from 30 to 2400 (Gradescope\'s longest limit is 40 minutes), got "soon"');
    expect(() => parseGradescopeArgs(["--out", "a.zip", "--timeout-s"])).toThrow("--timeout-s needs a value");
  });

  it("refuses a visibility Gradescope does not know", () => {
    expect(() => buildGradescopeZip({ out: join(work, "v.zip"), withoutSecret: true, hiddenVisibility: "later" })).toThrow(
      "--hidden-visibility later: use one of hidden, after_due_date, after_published, visible",
    );
  });
});

function makeRootWithoutSecret(): string {
  const root = join(work, "no-secret");
  mkdirSync(join(root, "grader"), { recursive: true });
  return root;
}

describe("the autograder zip on a machine laid out like Gradescope's", () => {
  const autograder = join(work, "autograder");
  const env = { ...process.env, RL_AUTOGRADER_ROOT: autograder, RL_GRADER_USER: "nobody", CI: "true" };

  it("unpacks with setup.sh and run_autograder at the top, executable", () => {
    const zip = join(work, "autograder.zip");
    const built = buildGradescopeZip({ out: zip, env: { RL_GRADER_SECRET: "test-secret-for-the-zip" }, hiddenVisibility: "after_due_date", timeoutS: 600 });
    expect(built.secretIncluded).toBe(true);
    mkdirSync(join(autograder, "source"), { recursive: true });
    const unzip = spawnSync("unzip", ["-q", zip, "-d", join(autograder, "source")], { encoding: "utf8" });
    expect(unzip.status, unzip.stderr).toBe(0);
    for (const script of ["setup.sh", "run_autograder"]) {
      expect(readdirSync(join(autograder, "source"))).toContain(script);
      expect(spawnSync("test", ["-x", join(autograder, "source", script)]).status, script).toBe(0);
    }
    expect(existsSync(join(autograder, "source/app/solutions"))).toBe(false);
    expect(readFileSync(join(autograder, "source/autograder.env"), "utf8")).toBe("RL_HIDDEN_VISIBILITY=after_due_date\nRL_AUTOGRADER_TIMEOUT_S=600\n");
  });

  it("installs with setup.sh", () => {
    const setup = spawnSync("bash", [join(autograder, "source/setup.sh")], { env, encoding: "utf8", timeout: 600_000 });
    expect(setup.status, `${setup.stdout}\n${setup.stderr}`).toBe(0);
    expect(setup.stdout).toContain("[setup] done");
  }, 600_000);

  it.runIf(process.getuid?.() === 0)("leaves the compiled library where the grading user reuses it, read-only", () => {
    const app = join(autograder, "source/app");
    const cache = join(app, "node_modules/.cache/replication-lab-grader");
    const builds = readdirSync(cache).filter((name) => name.startsWith("lib-"));
    expect(builds).toHaveLength(1);
    // Every folder on the way is enterable and every file readable by others, none writable by them.
    const walk = (path: string): void => {
      const stat = statSync(path);
      expect(stat.uid, path).toBe(0);
      expect(stat.mode & 0o002, path).toBe(0);
      expect(stat.mode & (stat.isDirectory() ? 0o005 : 0o004), path).toBe(stat.isDirectory() ? 0o005 : 0o004);
      if (stat.isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
    };
    walk(cache);
    // Grading as the unprivileged user takes the precompiled library as it is: nothing is rebuilt.
    const scratch = mkdtempSync(join(work, "as-nobody-"));
    chmodSync(scratch, 0o777);
    const run = spawnSync(
      "runuser",
      ["-u", "nobody", "--", process.execPath, join(app, "node_modules/tsx/dist/cli.mjs"), join(app, "grader/cli.ts"), "--target", join(app, "exercises"), "--only", "05", "--format", "json", "--out", join(scratch, "report.json")],
      { cwd: scratch, env: { PATH: process.env.PATH, HOME: scratch, TMPDIR: scratch, RL_GRADER_SECRET: "gradescope-run-secret", RL_GRADER_TRACE: "1" }, encoding: "utf8", timeout: 300_000 },
    );
    expect(existsSync(join(scratch, "report.json")), run.stderr).toBe(true);
    expect(run.stderr).toContain("[grader");
    expect(run.stderr).not.toMatch(/not precompiled|precompiled lib\//);
    expect(readdirSync(cache).filter((name) => name.startsWith("lib-"))).toEqual(builds);
  }, 300_000);

  const grade = (files: string[] | "none") => {
    rmSync(join(autograder, "submission"), { recursive: true, force: true });
    rmSync(join(autograder, "results"), { recursive: true, force: true });
    mkdirSync(join(autograder, "submission"), { recursive: true });
    if (files !== "none") {
      // Uploaded as a repository folder, with the student's own (ignored) copy of the tests.
      for (const file of files) cpSync(join(ROOT, "solutions", file), join(autograder, "submission/my-repo/exercises", file));
      cpSync(join(ROOT, "grader/exercises"), join(autograder, "submission/my-repo/grader/exercises"), { recursive: true });
    }
    const run = spawnSync(join(autograder, "source/run_autograder"), [], { env, encoding: "utf8", timeout: 600_000 });
    expect(run.status, run.stderr).toBe(0);
    return JSON.parse(readFileSync(join(autograder, "results/results.json"), "utf8")) as {
      score: number;
      output: string;
      tests: { name: string; score: number; max_score: number; status: string; output: string; visibility: string }[];
    };
  };

  it("gives the reference solutions full marks", () => {
    const solutions = readdirSync(join(ROOT, "solutions")).filter((f) => /^\d{2}-.*\.ts$/.test(f));
    const results = grade(solutions);
    const max = results.tests.reduce((sum, t) => sum + t.max_score, 0);
    expect(max).toBeGreaterThan(0);
    const lost = results.tests.filter((t) => t.score < t.max_score).map((t) => `${t.name}: ${t.output}`);
    expect(results.score, lost.join("\n")).toBe(max);
    expect(results.output).toContain("Graded files: my-repo/exercises/");
    expect(results.tests.some((t) => t.visibility === "after_due_date")).toBe(true);
  }, 600_000);

  it("gives an empty upload zero and says nothing was found", () => {
    const results = grade("none");
    expect(results.score).toBe(0);
    expect(results.output).toContain("No exercise files were found in the submission.");
  }, 600_000);
});

/**
 * run_autograder against a temporary folder laid out like Gradescope's /autograder, with a
 * stand-in grader (see grader/fixtures/fake-grader.ts) so that every failure mode is quick to provoke.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { makeFakeGrader } from "../fixtures/fake-grader";

const HERE = dirname(fileURLToPath(import.meta.url));
const RUN_AUTOGRADER = resolve(HERE, "gradescope/run_autograder");
const roots: string[] = [];

afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** A fresh /autograder look-alike with the given submission files. */
function autograderRoot(submission: Record<string, string>, options: { brokenInstall?: boolean } = {}): string {
  const root = mkdtempSync(join(tmpdir(), "rl-autograder-"));
  roots.push(root);
  chmodSync(root, 0o755); // as /autograder is: the grading user must be able to reach source/app
  makeFakeGrader(join(root, "source/app"));
  if (options.brokenInstall) rmSync(join(root, "source/app/node_modules"), { recursive: true });
  for (const [path, text] of Object.entries(submission)) {
    mkdirSync(dirname(join(root, "submission", path)), { recursive: true });
    writeFileSync(join(root, "submission", path), text);
  }
  mkdirSync(join(root, "submission"), { recursive: true });
  return root;
}

interface Results {
  score: number;
  output: string;
  tests: { name: string; score: number; output?: string }[];
  execution_time?: number;
}

function runAutograder(root: string, env: Record<string, string> = {}): { results: Results; stderr: string } {
  const run = spawnSync("bash", [RUN_AUTOGRADER], {
    env: { PATH: process.env.PATH, RL_AUTOGRADER_ROOT: root, RL_GRADER_USER: "nobody", ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
  expect(run.status).toBe(0);
  const text = readFileSync(join(root, "results/results.json"), "utf8");
  return { results: JSON.parse(text) as Results, stderr: run.stderr };
}

const isRoot = process.getuid?.() === 0;

describe("run_autograder", () => {
  it("grades exercise files found in a nested repository folder and says which it took", () => {
    const root = autograderRoot({
      "my-repo/exercises/01-alpha.ts": "full",
      "my-repo/exercises/02-beta.ts": "half",
      "my-repo/grader/exercises/01-alpha.test.ts": "a forged test the grader must not use",
    });
    const { results } = runAutograder(root);
    expect(results.score).toBe(15);
    expect(results.tests.map((t) => t.score)).toEqual([10, 5]);
    expect(results.output).toContain("Graded files: my-repo/exercises/01-alpha.ts, my-repo/exercises/02-beta.ts.");
    expect(typeof results.execution_time).toBe("number");
  });

  it.runIf(isRoot)("grades as the unprivileged user and hands the grader the secret", () => {
    const root = autograderRoot({ "01-alpha.ts": "full" });
    writeFileSync(join(root, "source/app/grader/.secret"), "s3cret-of-the-course\n");
    chmodSync(join(root, "source/app/grader/.secret"), 0o600);
    const { results } = runAutograder(root);
    expect(results.output).toContain("graded as uid 65534 with a secret");
  });

  it("scores zero with the grader's own error when the grader crashes", () => {
    const root = autograderRoot({ "01-alpha.ts": "crash" });
    const { results } = runAutograder(root);
    expect(results.score).toBe(0);
    expect(results.output).toContain("Grading failed: the grader wrote no report (exit code 3)");
    expect(results.output).toContain("boom: the grader crashed on 01-alpha");
  });

  it("scores zero and names the time limit when grading never finishes", () => {
    const root = autograderRoot({ "01-alpha.ts": "hang" });
    const { results } = runAutograder(root, { RL_AUTOGRADER_TIMEOUT_S: "6" });
    expect(results.score).toBe(0);
    // Either limit may stop it first on a busy machine: run.ts's own (5 s) or run_autograder's (6 s).
    expect(results.output).toMatch(/grading took longer than [56] s and was stopped/i);
  });

  it("has the grader stop at a limit of its own, so that a slow exercise costs only its own points", () => {
    // The grader works to its limit, then reports 01 unfinished; killed from outside, it would write no report.
    const root = autograderRoot({ "01-alpha.ts": "slow", "02-beta.ts": "full" });
    const { results } = runAutograder(root, { RL_AUTOGRADER_TIMEOUT_S: "30" });
    expect(results.score).toBe(10);
    expect(results.tests.map((t) => t.output)).toEqual(["not finished: the grading call's time limit ran out", ""]);
  });

  it("stops at the time limit of the zip's autograder.env (npm run gradescope -- --timeout-s N)", () => {
    const root = autograderRoot({ "01-alpha.ts": "full" });
    writeFileSync(join(root, "source/autograder.env"), "RL_AUTOGRADER_TIMEOUT_S=4\n");
    // A grading script that never ends: only run_autograder's own limit can stop it.
    writeFileSync(join(root, "source/app/grader/platforms/gradescope/run.ts"), "setInterval(() => {}, 1000);\n");
    const started = Date.now();
    const { results } = runAutograder(root);
    expect(Date.now() - started).toBeLessThan(50_000);
    expect(results.score).toBe(0);
    expect(results.output).toContain("Grading took longer than 4 s and was stopped.");
  });

  it("still writes results.json when the image's npm install is broken", () => {
    const root = autograderRoot({ "01-alpha.ts": "full" }, { brokenInstall: true });
    const { results } = runAutograder(root);
    expect(results).toMatchObject({ score: 0, tests: [] });
    expect(results.output).toContain("The autograder could not grade this submission");
    expect(results.output).toContain("node_modules is incomplete: the image's npm install did not finish.");
  });

  it("still writes valid JSON when the grading script itself dies with quotes and tabs in its log", () => {
    const root = autograderRoot({ "01-alpha.ts": "full" });
    writeFileSync(
      join(root, "source/app/grader/platforms/gradescope/run.ts"),
      'console.error("a \\"quoted\\"\\tpath C:\\\\x and a bell \\u0007"); process.exit(7);\n',
    );
    const { results } = runAutograder(root);
    expect(results.score).toBe(0);
    expect(results.output).toContain('a "quoted"\tpath C:\\x and a bell');
  });

  it("replaces a stale results.json left in the results folder", () => {
    const root = autograderRoot({ "01-alpha.ts": "half" });
    mkdirSync(join(root, "results"));
    writeFileSync(join(root, "results/results.json"), JSON.stringify({ score: 1000, tests: [] }));
    expect(runAutograder(root).results.score).toBe(5);
  });
});

/**
 * PrairieLearn's external-grading entry point against a temporary folder laid out the way
 * PrairieLearn lays out a grading job under /grade (student/, serverFilesCourse/, data/, no
 * results/ yet), with a stand-in grader in the image's place so every failure mode is quick to
 * provoke; and the results.json format itself. instructor/prairielearn.test.ts does the same with
 * the real grader in a package built by `npm run prairielearn`.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { GradeReport } from "../engine/report";
import { makeFakeGrader, writeFileIn } from "../fixtures/fake-grader";
import { prairieLearnResults, type PrairieLearnResults } from "../format/prairielearn";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** An image look-alike (the stand-in grader as its app) and a job folder laid out like /grade. */
function job(student: Record<string, string>, options: { secret?: string; brokenInstall?: boolean } = {}) {
  const base = mkdtempSync(join(tmpdir(), "rl-prairielearn-"));
  dirs.push(base);
  chmodSync(base, 0o755);
  const app = makeFakeGrader(join(base, "image/app"));
  if (options.brokenInstall) rmSync(join(app, "node_modules"), { recursive: true });
  const grade = join(base, "grade");
  mkdirSync(join(grade, "student"), { recursive: true });
  writeFileIn(join(grade, "data/data.json"), JSON.stringify({ params: {}, correct_answers: {}, submitted_answers: {} }));
  for (const [path, text] of Object.entries(student)) writeFileIn(join(grade, "student", path), text);
  if (options.secret) writeFileIn(join(grade, "serverFilesCourse/replication-lab/secret"), `${options.secret}\n`);
  return { app, grade };
}

function run(j: { app: string; grade: string }, env: Record<string, string> = {}): PrairieLearnResults & Record<string, unknown> {
  const result = spawnSync("bash", [join(j.app, "grader/platforms/prairielearn/entrypoint.sh")], {
    env: { PATH: process.env.PATH, RL_PL_ROOT: j.grade, RL_GRADER_USER: "nobody", ...env },
    encoding: "utf8",
    timeout: 120_000,
  });
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(readFileSync(join(j.grade, "results/results.json"), "utf8"));
}

describe("entrypoint.sh in a job laid out like /grade", () => {
  it("grades the exercise the question names, scores from 0 to 1 and lists each test with its points", () => {
    const j = job({ "01-alpha.ts": "half", "02-beta.ts": "full" });
    const results = run(j, { RL_ONLY: "01" });
    expect(results).toMatchObject({ gradable: true, score: 0.5, message: "5 / 10 points" });
    expect(results.tests).toEqual([
      { name: "01 · 01-alpha works", description: "Public cases.", points: 5, max_points: 10, message: "not implemented yet", output: "" },
    ]);
    expect(results.output).toBe("Graded files: 01-alpha.ts.");
  });

  it("hands the grader the course's secret and removes the file from the job", () => {
    // The stand-in grader gives "needs-secret" full marks only when the secret reached it.
    const j = job({ "01-alpha.ts": "needs-secret" }, { secret: "course-secret" });
    expect(run(j, { RL_ONLY: "01" }).score).toBe(1);
    expect(existsSync(join(j.grade, "serverFilesCourse/replication-lab/secret"))).toBe(false);
    expect(run(job({ "01-alpha.ts": "needs-secret" }), { RL_ONLY: "01" }).score).toBe(0);
  });

  it("marks an empty submission not gradable and names the file it expected", () => {
    const results = run(job({ "notes.txt": "no code here" }), { RL_ONLY: "02" });
    expect(results).toMatchObject({
      gradable: false,
      format_errors: ["No exercise file was submitted: upload a file named 02-beta.ts (your exercises/ file, unrenamed)."],
      tests: [],
    });
    expect(results.score).toBeUndefined();
  });

  it("marks a submission not gradable, with the grader's error, when the grader crashes", () => {
    const results = run(job({ "01-alpha.ts": "crash" }));
    expect(results.gradable).toBe(false);
    expect(results.format_errors!.join("\n")).toContain("boom: the grader crashed on 01-alpha");
  });

  it("still writes results.json, not gradable, when the image's npm install is broken", () => {
    const results = run(job({ "01-alpha.ts": "full" }, { brokenInstall: true }));
    expect(results.gradable).toBe(false);
    expect(results.message).toContain("The autograder could not grade this submission");
    expect(results.output).toContain("node_modules is incomplete: the image's npm install did not finish.");
  });

  it("stops at its time limit and says so, before PrairieLearn's own", () => {
    const started = Date.now();
    const results = run(job({ "01-alpha.ts": "hang" }), { RL_PL_TIMEOUT_S: "6" });
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(results.gradable).toBe(false);
    expect(JSON.stringify(results)).toMatch(/took longer than [56] s and was stopped/i);
  });

  it("has the grader stop at a limit of its own, so that a slow exercise costs only its own points", () => {
    // The grader works to its limit, then reports 01 unfinished; killed from outside, it would write no report.
    const results = run(job({ "01-alpha.ts": "slow", "02-beta.ts": "full" }), { RL_PL_TIMEOUT_S: "30" });
    expect(results).toMatchObject({ gradable: true, score: 0.5, message: "10 / 20 points" });
    expect(results.tests.map((t) => t.message)).toEqual(["not finished: the grading call's time limit ran out", "passed"]);
  });

  it("replaces a results.json left in the job", () => {
    const j = job({ "01-alpha.ts": "full" });
    writeFileIn(join(j.grade, "results/results.json"), JSON.stringify({ gradable: true, score: 1 }));
    writeFileIn(join(j.grade, "student/01-alpha.ts"), "half");
    expect(run(j, { RL_ONLY: "01" }).score).toBe(0.5);
  });
});

/** A report of one exercise whose problem (if any) is `problem`. */
function report(problem?: string, error?: string): GradeReport {
  const tests = [{ name: "works", status: "failed" as const, score: problem ? 0 : 1.5, maxScore: 4, message: problem ?? "2 of 4 cases failed.\nseed 7: a rule broke", visibility: "public" as const, replay: "npm run replay -- 05 --seed 7" }];
  return {
    score: problem ? 0 : 1.5,
    maxScore: 4,
    target: "exercises",
    publicOnly: false,
    hiddenSeeds: "secret",
    durationMs: 1,
    error,
    exercises: [{ id: "05", name: "05-x", title: "X", score: problem ? 0 : 1.5, maxScore: 4, file: "exercises/05-x.ts", problem, tests }],
  };
}

describe("prairieLearnResults", () => {
  it("gives partial credit as a score between 0 and 1, with each test's points, message and output", () => {
    const results = prairieLearnResults(report());
    expect(results).toMatchObject({ gradable: true, score: 0.375, message: "1.5 / 4 points" });
    expect(results.tests[0]).toEqual({
      name: "05 · works",
      description: "Public cases.",
      points: 1.5,
      max_points: 4,
      message: "2 of 4 cases failed.",
      output: "seed 7: a rule broke\nReplay the first failing case: npm run replay -- 05 --seed 7",
    });
  });

  it("makes a file that does not compile, or was refused before running, not gradable with the reason (no attempt counted, so no zero either)", () => {
    for (const [problem, shown] of [
      ["does not compile, so this exercise scores zero:\nexercises/05-x.ts:3:1 - error TS1005", "does not compile:\nexercises/05-x.ts:3:1 - error TS1005"],
      ["rejected before running, so this exercise scores zero:\nexercises/05-x.ts:1: imports node:fs", "rejected before running:\nexercises/05-x.ts:1: imports node:fs"],
    ]) {
      const results = prairieLearnResults(report(problem));
      expect(results.gradable).toBe(false);
      expect(results.score).toBeUndefined();
      expect(results.message).toBe("Fix the file and submit again; no attempt was counted.");
      expect(results.format_errors).toEqual([`exercises/05-x.ts: ${shown}`]);
    }
  });

  it("grades a file that fails while loading: zero points, gradable", () => {
    const results = prairieLearnResults(report("loading the exercise failed: TypeError: x is not a function"));
    expect(results).toMatchObject({ gradable: true, score: 0 });
    expect(results.output).toContain("loading the exercise failed");
  });

  it("makes a grading failure not gradable, never a zero", () => {
    const results = prairieLearnResults(report("grading failed", "grading failed: the test runner crashed"));
    expect(results).toMatchObject({ gradable: false, format_errors: ["grading failed: the test runner crashed"] });
  });

  it("keeps results.json far below PrairieLearn's 1 MB however long the feedback", () => {
    const long = report();
    long.exercises[0].tests = Array.from({ length: 50 }, (_, i) => ({ ...long.exercises[0].tests[0], name: `t${i}`, message: `failed\n${"x".repeat(100_000)}` }));
    const text = JSON.stringify(prairieLearnResults(long));
    expect(text.length).toBeLessThan(1_000_000);
  });
});

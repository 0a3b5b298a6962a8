/**
 * The Classroom 50 autograder of this project, end to end: the package is built, and its
 * autograder.py runs the way Classroom 50's runner runs an autograder (the student's checkout as
 * the working directory, the runner's environment, ./result.json read afterwards; npm installs
 * from its cache when it can). The result is checked against Classroom 50's documented
 * classroom50/result/v1 contract. Classroom 50 itself (its runner workflow, Pages, score
 * collection) is not run here.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { classroom50Result, utcSeconds } from "../grader/platforms/classroom50/run";
import type { GradeReport } from "../grader/engine/report";
import { buildClassroom50Package, parseClassroom50Args } from "./classroom50";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const work = mkdtempSync(join(tmpdir(), "rl-classroom50-test-"));
afterAll(() => rmSync(work, { recursive: true, force: true }), 120_000);

const RUNNER_ENV = {
  CLASSROOM: "cs-principles",
  ASSIGNMENT: "replication",
  SUBMISSION_TAG: "submit/2026-11-02T10-00-00Z-a1b2c3d",
  COMMIT_URL: "https://github.com/org/cs-principles-replication-alice/commit/a1b2c3d",
  RELEASE_URL: "https://github.com/org/cs-principles-replication-alice/releases/tag/submit%2F2026",
  REVIEW_URL: "",
  OWNER: "alice",
  ASSIGNMENT_TYPE: "individual",
};

/**
 * The classroom50/result/v1 contract as Classroom 50 documents it (its Advanced Autograding page
 * and result schema): every field required, whole-number scores, no score above its maximum.
 * Returns what is wrong, or [] when the result satisfies it.
 */
function contractProblems(result: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const strings = ["schema", "classroom", "assignment", "assignment_type", "owner", "submission", "commit", "release", "review", "datetime"];
  for (const field of strings) if (typeof result[field] !== "string" || (result[field] as string).length === 0) problems.push(`${field} is not a non-empty string`);
  const allowed = new Set([...strings, "score", "max-score", "tests", "graded_at", "submitted_by"]);
  for (const field of Object.keys(result)) if (!allowed.has(field)) problems.push(`unknown field ${field}`);
  if (result.schema !== "classroom50/result/v1") problems.push("schema is not classroom50/result/v1");
  if (!["individual", "group"].includes(result.assignment_type as string)) problems.push("assignment_type is not individual or group");
  if (!/^submit\//.test(String(result.submission))) problems.push("submission does not start with submit/");
  if (!/^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d:[0-5]\dZ$/.test(String(result.datetime))) problems.push("datetime is not YYYY-MM-DDTHH:MM:SSZ");
  const whole = (v: unknown) => Number.isInteger(v) && (v as number) >= 0;
  if (!whole(result.score) || !whole(result["max-score"])) problems.push("score and max-score are not whole numbers from 0");
  if ((result.score as number) > (result["max-score"] as number)) problems.push("score is above max-score");
  if (!Array.isArray(result.tests)) return [...problems, "tests is not an array"];
  for (const [i, t] of (result.tests as Record<string, unknown>[]).entries()) {
    if (typeof t["test-name"] !== "string" || t["test-name"] === "") problems.push(`tests[${i}].test-name`);
    if (typeof t.passed !== "boolean") problems.push(`tests[${i}].passed`);
    if (!whole(t.score) || !whole(t["max-score"]) || (t.score as number) > (t["max-score"] as number)) problems.push(`tests[${i}].score/max-score`);
  }
  return problems;
}

describe("classroom50Result", () => {
  const report = (scores: [number, number][]): GradeReport => ({
    score: scores.reduce((s, [x]) => s + x, 0),
    maxScore: scores.reduce((s, [, m]) => s + m, 0),
    target: "exercises",
    publicOnly: false,
    hiddenSeeds: "random",
    durationMs: 1,
    exercises: [
      {
        id: "05",
        name: "05-x",
        title: "X",
        score: 0,
        maxScore: 0,
        file: "exercises/05-x.ts",
        tests: scores.map(([score, maxScore], i) => ({ name: `t${i}`, status: score === maxScore ? "passed" : score > 0 ? "partial" : "failed", score, maxScore, message: `m${i}`, visibility: "public" })),
      },
    ],
  });

  it("satisfies the documented contract, rounding each test's points to whole ones and keeping the exact ones", () => {
    const result = classroom50Result(report([[2, 2], [1.6, 3], [0.4, 4]]), RUNNER_ENV, new Date("2026-11-02T10:00:07.123Z"));
    expect(contractProblems(result as unknown as Record<string, unknown>)).toEqual([]);
    expect(result.tests.map((t) => [t.score, t["max-score"], t.points, t.passed])).toEqual([[2, 2, 2, true], [2, 3, 1.6, false], [0, 4, 0.4, false]]);
    expect(result).toMatchObject({ score: 4, "max-score": 9, datetime: "2026-11-02T10:00:07Z", review: RUNNER_ENV.COMMIT_URL, owner: "alice" });
  });

  it("rounds a test's points and its maximum alike, never giving more than the maximum", () => {
    const result = classroom50Result(report([[2.5, 2.5], [2.49, 2.5], [0, 0.5]]), RUNNER_ENV);
    expect(result.tests.map((t) => [t.score, t["max-score"]])).toEqual([[3, 3], [2, 3], [0, 1]]);
    expect(contractProblems(result as unknown as Record<string, unknown>)).toEqual([]);
  });

  it("formats the time as Classroom 50 requires", () => {
    expect(utcSeconds(new Date("2026-01-05T03:04:05.999Z"))).toBe("2026-01-05T03:04:05Z");
  });
});

describe("parseClassroom50Args", () => {
  it("takes the folder and the exercises, and refuses an exercise that does not exist", () => {
    expect(parseClassroom50Args(["--out", "x", "--only", "05, 06"])).toEqual({ out: "x", only: ["05", "06"] });
    expect(() => parseClassroom50Args([])).toThrow("--out DIR is required");
    expect(() => parseClassroom50Args(["--out", "x", "--only", ","])).toThrow("--only: give the exercises to grade, as in --only 03 or --only 03,05");
    expect(() => buildClassroom50Package({ out: join(work, "bad"), only: ["42"] })).toThrow('--only: no exercise "42"; the exercises are 01-read-your-writes, ');
    expect(existsSync(join(work, "bad"))).toBe(false);
  });
});

describe("the Classroom 50 autograder run the way Classroom 50's runner runs it", () => {
  const out = join(work, "autograders/replication");
  const checkout = join(work, "cs-principles-replication-alice");
  const autograde = (env: Record<string, string> = {}) => {
    rmSync(join(checkout, "result.json"), { force: true });
    const run = spawnSync("python3", [join(out, "autograder.py")], {
      cwd: checkout,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...RUNNER_ENV, ...env },
      encoding: "utf8",
      timeout: 600_000,
    });
    const path = join(checkout, "result.json");
    return { run, result: existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown> & { tests: { "test-name": string; passed: boolean; score: number; "max-score": number }[] }) : undefined };
  };

  it("holds autograder.py and a grader copy, without answers or a secret", () => {
    const built = buildClassroom50Package({ out });
    expect(built.exercises.length).toBe(readdirSync(join(ROOT, "exercises")).filter((f) => /^\d{2}-.*\.ts$/.test(f)).length);
    expect(existsSync(join(out, "autograder.py"))).toBe(true);
    for (const gone of ["app/solutions", "app/grader/variants", "app/grader/.secret", "only.txt"]) expect(existsSync(join(out, gone)), gone).toBe(false);
    // A student's repository: the reference answer to 05, the other stubs untouched, and tests edited to give points away.
    cpSync(join(ROOT, "exercises"), join(checkout, "exercises"), { recursive: true });
    cpSync(join(ROOT, "solutions/05-leader-election.ts"), join(checkout, "exercises/05-leader-election.ts"));
    mkdirSync(join(checkout, "grader/exercises"), { recursive: true });
    writeFileSync(join(checkout, "grader/exercises/05-leader-election.test.ts"), 'graded({ name: "free", points: 1000, visibility: "public" }, async () => {});\n');
  });

  it("writes a result.json that satisfies the contract, scoring only the pristine tests", () => {
    const { run, result } = autograde();
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(contractProblems(result!)).toEqual([]);
    const five = result!.tests.filter((t) => t["test-name"].startsWith("05 · "));
    expect(five.length).toBeGreaterThan(1);
    expect(five.every((t) => t.passed && t.score === t["max-score"])).toBe(true);
    expect(result!.tests.filter((t) => !t["test-name"].startsWith("05 · ")).every((t) => t.score === 0)).toBe(true);
    expect(result!.tests.some((t) => t["test-name"].includes("free"))).toBe(false);
    expect(result!.score).toBe(five.reduce((s, t) => s + t.score, 0));
    expect(result!.owner).toBe("alice");
  }, 600_000);

  it("grades only the exercises of only.txt", () => {
    writeFileSync(join(out, "only.txt"), "05\n");
    const { run, result } = autograde();
    expect(run.status, run.stderr).toBe(0);
    expect(result!.tests.every((t) => t["test-name"].startsWith("05 · "))).toBe(true);
    expect(result!.score).toBe(result!["max-score"]);
    rmSync(join(out, "only.txt"));
  }, 300_000);

  it("exits 1 with the reason, writing no result, when the runtime has no Node", () => {
    const bin = mkdtempSync(join(work, "bin-"));
    // Debian's own Python: a python3 found on PATH may be a version manager's shim that needs PATH.
    symlinkSync(existsSync("/usr/bin/python3") ? "/usr/bin/python3" : spawnSync("sh", ["-c", "command -v python3"], { encoding: "utf8" }).stdout.trim(), join(bin, "python3"));
    const { run, result } = autograde({ PATH: bin });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('::error::Replication Lab autograder: node is not installed: give the assignment the runtime {"node": "26"}');
    expect(result).toBeUndefined();
  });
});

import { describe, expect, test } from "vitest";
import { failedReport, type GradeReport } from "./engine/report";
import { classroomResult } from "./format/classroom";
import { formatReport } from "./format/index";
import { loadExercises } from "./engine/exercises";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** A report with one public pass, one public partial and one hidden failure. */
function sample(): GradeReport {
  return {
    score: 3.5,
    maxScore: 9,
    target: "exercises",
    publicOnly: false,
    hiddenSeeds: "secret",
    durationMs: 4200,
    exercises: [
      {
        id: "05",
        name: "05-leader-election",
        title: "Leader election <&>",
        score: 3.5,
        maxScore: 9,
        file: "exercises/05-leader-election.ts",
        tests: [
          { name: "never promotes a crashed follower", status: "passed", score: 2, maxScore: 2, message: "all 3 cases passed", visibility: "public" },
          {
            name: "picks a correct leader in random clusters",
            status: "partial",
            score: 1.5,
            maxScore: 3,
            message: "10 of 20 cases failed.\nseed 42: a crashed follower is never promoted",
            visibility: "public",
            replay: "npm run replay -- 05 --seed 42",
          },
          { name: "hidden clusters", status: "failed", score: 0, maxScore: 4, message: "0 of 60 hidden cases passed", visibility: "hidden" },
        ],
      },
    ],
  };
}

describe("report formats", () => {
  test("json keeps the documented shape", () => {
    const json = JSON.parse(formatReport(sample(), "json"));
    expect(Object.keys(json)).toEqual(expect.arrayContaining(["score", "maxScore", "exercises"]));
    expect(Object.keys(json.exercises[0])).toEqual(expect.arrayContaining(["id", "score", "maxScore", "tests"]));
    expect(Object.keys(json.exercises[0].tests[0])).toEqual(expect.arrayContaining(["name", "status", "score", "maxScore", "message"]));
  });

  test("gradescope hides hidden tests until published and never claims that all tests passed", () => {
    const results = JSON.parse(formatReport(sample(), "gradescope"));
    expect(results.score).toBe(3.5);
    expect(results.tests).toHaveLength(3);
    expect(results.tests.map((t: { visibility: string }) => t.visibility)).toEqual(["visible", "visible", "after_published"]);
    expect(results.tests[1]).toMatchObject({ status: "failed", score: 1.5, max_score: 3 });
    expect(results.output).toMatch(/^Public tests: 3\.5\/5 points\./);
    expect(results.output).toMatch(/Hidden tests \(4 more points\)/);
    expect(results.output).not.toMatch(/all tests passed/i);
    expect(JSON.parse(formatReport(sample(), "gradescope", { hiddenVisibility: "after_due_date" })).tests[2].visibility).toBe("after_due_date");
  });

  test("gradescope's summary stays silent about hidden results even when everything passed", () => {
    const all = sample();
    for (const t of all.exercises[0].tests) Object.assign(t, { status: "passed", score: t.maxScore });
    const results = JSON.parse(formatReport(all, "gradescope"));
    expect(results.output).not.toMatch(/all tests passed/i);
    expect(results.output).toMatch(/Hidden tests/);
  });

  test("junit is well-formed XML with one failure per test not passed, escaped", () => {
    const xml = formatReport(sample(), "junit");
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    expect(xml).toContain('<testsuites name="Replication Lab" tests="3" failures="2"');
    expect(xml.match(/<failure /g)).toHaveLength(2);
    expect(xml).toContain("Leader election &lt;&amp;&gt;");
    expect(xml.match(/<testcase /g)).toHaveLength(3);
    expect(xml.match(/<\/testcase>/g)).toHaveLength(3);
  });

  test("markdown totals the grade and lists what failed, with the replay command", () => {
    const md = formatReport(sample(), "markdown");
    expect(md).toMatch(/^## Replication Lab: 3\.5 \/ 9 points/);
    expect(md).toContain("| 🟡 | 05 Leader election <&> | 3.5 / 9 |");
    expect(md).toContain("seed 42: a crashed follower is never promoted");
    expect(md).toContain("**hidden clusters** (hidden)");
  });

  test("classroom gives the reporter's shape, as JSON or base64", () => {
    const result = classroomResult(sample());
    expect(result).toMatchObject({ version: 1, status: "fail", max_score: 9 });
    expect(result.tests.map((t) => t.status)).toEqual(["pass", "fail", "fail"]);
    const decoded = JSON.parse(Buffer.from(formatReport(sample(), "classroom-base64").trim(), "base64").toString("utf8"));
    expect(decoded).toEqual(JSON.parse(formatReport(sample(), "classroom")));
  });

  test("the table shows points per test and the feedback under failures", () => {
    const table = formatReport(sample(), "table");
    expect(table).toContain("05  Leader election <&>  3.5/9");
    expect(table).toMatch(/◐ +1\.5\/3  picks a correct leader in random clusters/);
    expect(table).toMatch(/✘ +0\/4  hidden clusters \[hidden\]/);
    expect(table).toContain("Total: 3.5/9 points");
  });

  test("a grading failure still gives every format a report: zero points and the reason", () => {
    const root = resolve(fileURLToPath(new URL(".", import.meta.url)), "..");
    const failed = failedReport(loadExercises(root), "exercises", "the grader failed before it could score this: boom", false);
    expect(failed.score).toBe(0);
    expect(failed.maxScore).toBeGreaterThan(0);
    expect(failed.exercises.every((e) => e.tests.every((t) => t.message.includes("boom")))).toBe(true);
    expect(JSON.parse(formatReport(failed, "gradescope")).output).toMatch(/^the grader failed before it could score this: boom/);
    expect(JSON.parse(formatReport(failed, "classroom")).status).toBe("error");
    expect(formatReport(failed, "table")).toContain("boom");
  });
});

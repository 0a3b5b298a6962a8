/**
 * A regrade of one exercise merged into a whole gradebook gives what grading every exercise again
 * would: batches of a class graded by the stand-in grader (grader/fixtures/fake-grader.ts, which
 * scores each file by a keyword in it), the whole, then exercise 02 alone after its files changed,
 * merged, and compared with the whole class graded again.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBatch } from "../grader/batch";
import { gradebookCsv } from "../grader/gradebook";
import { makeFakeGrader } from "../grader/fixtures/fake-grader";
import { HelpRequested } from "./cli";
import { gradedExercises } from "./gradebook-file";
import { describeMerge, mergeGrades, mergeNote, parseMergeArgs, type MergeSummary } from "./merge-grades";

const work = mkdtempSync(join(tmpdir(), "rl-merge-test-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const csv = (path: string) => parse(readFileSync(path, "utf8"), { columns: true, bom: true }) as Record<string, string>[];
const report = (dir: string, id: string) => readdirSync(dir).map((f) => JSON.parse(readFileSync(join(dir, f), "utf8"))).find((r) => r.submission === id);
const write = (root: string, files: Record<string, string>) => {
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text);
  }
};

let grader: string;
let summary: MergeSummary;
const SECRET = { RL_GRADER_SECRET: "a-course-secret-of-enough-length-1234" };

beforeAll(async () => {
  grader = makeFakeGrader(join(work, "grader"));
  const before = join(work, "before");
  write(before, {
    "ada/exercises/01-alpha.ts": "full",
    "ada/exercises/02-beta.ts": "half",
    "bob/exercises/01-alpha.ts": "half",
    "bob/exercises/02-beta.ts": "full",
    "=eve/exercises/01-alpha.ts": "full",
    "=eve/exercises/02-beta.ts": "missing",
    "grace/notes.md": "no exercise files",
  });
  await runBatch({ submissionsDir: before, outCsv: join(work, "grades.csv"), graderRoot: grader, workers: 1, env: SECRET });
  // Exercise 02 changes (as if its tests were fixed); bob's regrade fails; dan is new.
  const after = join(work, "after");
  cpSync(before, after, { recursive: true });
  write(after, { "ada/exercises/02-beta.ts": "full", "=eve/exercises/02-beta.ts": "half", "bob/exercises/02-beta.ts": "crash", "dan/exercises/02-beta.ts": "full" });
  await runBatch({ submissionsDir: after, outCsv: join(work, "grades-02.csv"), graderRoot: grader, workers: 1, env: SECRET, only: ["02"] });
  await runBatch({ submissionsDir: after, outCsv: join(work, "again.csv"), graderRoot: grader, workers: 1, env: SECRET });
  summary = mergeGrades(parseMergeArgs(["--whole", join(work, "grades.csv"), "--regraded", join(work, "grades-02.csv"), "--out", join(work, "merged.csv")]));
}, 240_000);

describe("npm run merge-grades", () => {
  it("gives each submission graded in both the scores grading every exercise again gives", () => {
    const merged = csv(join(work, "merged.csv"));
    const again = csv(join(work, "again.csv"));
    for (const id of ["ada", "=eve"]) expect(merged.find((r) => r.id === id || r.id === `'${id}`)).toEqual(again.find((r) => r.id === id || r.id === `'${id}`));
    expect(merged.find((r) => r.id === "ada")).toEqual({ id: "ada", score: "20", max: "20", "01": "10", "02": "10", error: "" });
    expect(summary.merged).toEqual(["=eve", "ada"]);
    // A whole gradebook still: canvas-gradebook imports it into the whole lab's assignment.
    expect(gradedExercises(merged)).toBeUndefined();
  });

  it("keeps, and names with the reason, each submission it cannot merge; leaves out one the whole gradebook lacks", () => {
    const merged = csv(join(work, "merged.csv"));
    const whole = csv(join(work, "grades.csv"));
    for (const id of ["bob", "grace"]) expect(merged.find((r) => r.id === id)).toEqual(whole.find((r) => r.id === id));
    expect(summary.kept.map((k) => k.id)).toEqual(["bob", "grace"]);
    expect(summary.kept[0].why).toMatch(/^its regrade failed: /);
    expect(summary.kept[1].why).toBe("not graded in grades.csv: no exercise files were found in the submission (expected files named like 01-alpha.ts or 02-beta.ts)");
    expect(summary.notInWhole).toEqual(["dan"]);
    expect(merged.map((r) => r.id)).toEqual(whole.map((r) => r.id));
    const printed = describeMerge(summary, { whole: join(work, "grades.csv"), regraded: join(work, "grades-02.csv"), out: join(work, "merged.csv") });
    expect(printed[0]).toBe(`Wrote ${join(work, "merged.csv")} and 4 report(s) in ${join(work, "merged-reports")}: exercise 02 from grades-02.csv merged into grades.csv for 2 submission(s).`);
    expect(printed.at(-1)).toBe("In grades-02.csv but not in grades.csv, left out (1): dan; grade them with every exercise (npm run grade -- --batch DIR --out FILE)");
  });

  it("writes each report with the regraded exercise's result in place, the score summed again, and a note saying so", () => {
    const dir = join(work, "merged-reports");
    const ada = report(dir, "ada");
    const fresh = report(join(work, "again-reports"), "ada");
    expect(ada.exercises).toEqual(fresh.exercises);
    expect([ada.score, ada.maxScore]).toEqual([fresh.score, fresh.maxScore]);
    expect(ada.notes.split("\n")[0]).toBe(mergeNote(["02"], join(work, "grades-02.csv")));
    expect(ada.notes).toContain("Exercise 02 was graded again (grades-02.csv, --only 02) and merged into this report");
    // Kept submissions' reports are copied as they were.
    expect(report(dir, "bob")).toEqual(report(join(work, "grades-reports"), "bob"));
    expect(readdirSync(dir).sort()).toEqual(readdirSync(join(work, "grades-reports")).sort());
  });

  it("changes neither input", () => {
    expect(csv(join(work, "grades.csv")).find((r) => r.id === "ada")?.["02"]).toBe("5");
    expect(report(join(work, "grades-reports"), "ada").exercises.find((e: { id: string }) => e.id === "02").score).toBe(5);
  });
});

describe("merging reports whose exercise changed its points, into a gradebook of some exercises", () => {
  it("sums each score and maximum again from the exercises, error rows out of the new maximum, and keeps a partial gradebook partial", () => {
    const dir = join(work, "points");
    const exercise = (id: string, score: number, maxScore: number) => ({ id, name: `${id}-x`, score, maxScore, tests: [] });
    const put = (name: string, rows: Parameters<typeof gradebookCsv>[0], only: string[], reports: object[]) => {
      write(dir, { [`${name}.csv`]: gradebookCsv(rows, { exercises: only, only: true }) });
      for (const r of reports) write(dir, { [`${name}-reports/${(r as { submission: string }).submission}.json`]: JSON.stringify(r) });
    };
    // cy's report is missing: cy keeps its row, named with the reason.
    const cy = { id: "cy", score: 7, maxScore: 20, exercises: { "03": 2, "05": 5 } };
    put("part", [{ id: "ada", score: 15, maxScore: 20, exercises: { "03": 10, "05": 5 } }, { id: "bob", score: 0, maxScore: 20, exercises: {}, error: "no file" }, cy], ["03", "05"], [
      { submission: "ada", score: 15, maxScore: 20, only: ["03-x", "05-x"], notes: "collected", exercises: [exercise("03", 10, 10), exercise("05", 5, 10)] },
      { submission: "bob", score: 0, maxScore: 20, error: "no file", exercises: [] },
    ]);
    put("again", [{ id: "ada", score: 12, maxScore: 12, exercises: { "05": 12 } }, { ...cy, maxScore: 12, exercises: { "05": 12 } }], ["05"], [
      { submission: "ada", score: 12, maxScore: 12, only: ["05-x"], notes: "", exercises: [exercise("05", 12, 12)] },
      { submission: "cy", score: 12, maxScore: 12, only: ["05-x"], notes: "", exercises: [exercise("05", 12, 12)] },
    ]);
    const summary = mergeGrades({ whole: join(dir, "part.csv"), regraded: join(dir, "again.csv"), out: join(dir, "out.csv") });
    expect(summary.kept).toEqual([
      { id: "bob", why: "not graded in part.csv: no file" },
      { id: "cy", why: `no report of it in ${join(dir, "part-reports")}` },
    ]);
    expect(csv(join(dir, "out.csv"))).toEqual([
      { id: "ada", score: "22", max: "22", "03": "10", "05": "12", exercises: "03,05", error: "" },
      { id: "bob", score: "0", max: "22", "03": "0", "05": "0", exercises: "03,05", error: "no file" },
      { id: "cy", score: "7", max: "20", "03": "2", "05": "5", exercises: "03,05", error: "" },
    ]);
    // A stale report of ada under another file name, older than the batch's: not the one merged.
    write(dir, { "part-reports/ada-2.json": JSON.stringify({ submission: "ada", score: 0, maxScore: 20, exercises: [exercise("03", 0, 10), exercise("05", 0, 10)] }) });
    utimesSync(join(dir, "part-reports/ada-2.json"), new Date(2020, 0, 1), new Date(2020, 0, 1));
    mergeGrades({ whole: join(dir, "part.csv"), regraded: join(dir, "again.csv"), out: join(dir, "out2.csv") });
    expect(readFileSync(join(dir, "out2.csv"), "utf8")).toBe(readFileSync(join(dir, "out.csv"), "utf8"));
    const ada = report(join(dir, "out-reports"), "ada");
    expect([ada.score, ada.maxScore, ada.only, ada.notes]).toEqual([22, 22, ["03-x", "05-x"], `${mergeNote(["05"], "again.csv")}\ncollected`]);
  });
});

describe("what merge-grades refuses, with what to do instead", () => {
  const args = (out: string, regraded = "grades-02.csv") => parseMergeArgs(["--whole", join(work, "grades.csv"), "--regraded", join(work, regraded), "--out", join(work, out)]);

  it("a regrade of every exercise (nothing to merge: it replaces the gradebook as it is)", () => {
    expect(() => mergeGrades(args("m1.csv", "again.csv"))).toThrow(/again\.csv is a gradebook of every exercise, not of some .*--regraded takes a batch graded with --only/);
  });

  it("an --out that is one of the inputs, or whose reports folder already holds files", () => {
    expect(() => mergeGrades(args("grades.csv"))).toThrow(/--out .*grades\.csv is one of the gradebooks merged; give a new file/);
    write(join(work, "taken-reports"), { "x.json": "{}" });
    expect(() => mergeGrades(args("taken.csv"))).toThrow(/taken-reports already holds files; the merged reports go to a new or empty folder/);
    expect(existsSync(join(work, "taken.csv"))).toBe(false);
  });

  it("a gradebook without its reports, a file that is not there, a missing option", () => {
    writeFileSync(join(work, "lone.csv"), readFileSync(join(work, "grades-02.csv")));
    expect(() => mergeGrades(args("m2.csv", "lone.csv"))).toThrow(/no reports folder .*lone-reports beside .*lone\.csv: the merge needs each submission's report .* give the folder with --regraded-reports DIR/);
    expect(() => mergeGrades(args("m3.csv", "nowhere.csv"))).toThrow(/cannot read the regraded gradebook \(--regraded\) .*nowhere\.csv/);
    expect(() => parseMergeArgs(["--whole", "g.csv", "--out", "m.csv"])).toThrow(/^--regraded is required\nusage: npm run merge-grades/);
    expect(() => parseMergeArgs(["--whole", "g.csv", "--into", "m.csv"])).toThrow(/^unknown option "--into"\nusage: npm run merge-grades/);
    expect(() => parseMergeArgs(["--help"])).toThrow(HelpRequested);
    expect(existsSync(join(work, "m2.csv")) || existsSync(join(work, "m3.csv"))).toBe(false);
  });
});

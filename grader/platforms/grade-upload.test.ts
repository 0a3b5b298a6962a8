/**
 * gradeUpload, which every platform grades an upload with, against this project's own grader: the
 * look-alikes its intake finds reach each exercise's message, a missing file's and a worked copy's
 * beside an untouched stub, whether the upload is a folder or an unpacked zip (a batch's
 * submission graded alone); so does why a file under an exercise's name was not taken.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { strToU8, zipSync } from "fflate";
import { afterAll, describe, expect, it } from "vitest";
import type { GradeReport } from "../engine/report";
import { writeFileIn } from "../fixtures/fake-grader";
import { MAX_EXERCISE_FILE_BYTES } from "./collect";
import { DEFAULTS } from "../engine/grade";
import { GRADER_CALL_LIMIT_S, graderCallLimitS, gradeUpload } from "./grade-upload";
import { extractZip } from "./unzip";

/** `text` as a regular expression matching it literally. */
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

const ROOT = resolve(fileURLToPath(new URL(".", import.meta.url)), "../..");
const work = mkdtempSync(join(tmpdir(), "rl-grade-upload-test-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The student's files: exercise 05 only under a copy's name, 06 the untouched stub with the work in a copy beside it. */
const files = {
  "exercises/05-leader-election copy.ts": readFileSync(join(ROOT, "solutions/05-leader-election.ts"), "utf8"),
  "exercises/06-fencing.ts": readFileSync(join(ROOT, "exercises/06-fencing.ts"), "utf8"),
  "exercises/06-fencing copy.ts": readFileSync(join(ROOT, "solutions/06-fencing.ts"), "utf8"),
};

describe("graderCallLimitS", () => {
  it("ends the grader's own call well before the run is killed, and never past the CLI's default", () => {
    expect(GRADER_CALL_LIMIT_S * 1000).toBe(DEFAULTS.timeoutMs);
    expect(graderCallLimitS(85_000)).toBe(68); // PrairieLearn's default budget
    expect(graderCallLimitS(20_000)).toBe(10);
    expect(graderCallLimitS(5_000)).toBe(1);
    expect(graderCallLimitS(510_000)).toBe(GRADER_CALL_LIMIT_S); // Gradescope's
  });
});

describe("gradeUpload", () => {
  it.each(["folder", "zip"])("names an upload's look-alikes in each exercise's message (a %s)", async (kind) => {
    let submissionDir = join(work, kind);
    const packed: string[] = [];
    if (kind === "folder") {
      for (const [path, text] of Object.entries(files)) writeFileIn(join(submissionDir, "my-repo", path), text);
    } else {
      const zip = zipSync(Object.fromEntries(Object.entries(files).map(([path, text]) => [`my-repo/${path}`, strToU8(text)])));
      submissionDir = join(work, "unzipped");
      await extractZip(zip, submissionDir, [], packed);
    }
    const graded = await gradeUpload({
      graderRoot: ROOT,
      submissionDir,
      packed,
      format: "json",
      only: ["05", "06"],
      timeoutMs: 180_000,
      env: { PATH: process.env.PATH },
      extraArgs: ["--public"],
    });
    expect(graded.reportText, graded.failure).toBeDefined();
    const found = "found 'my-repo/exercises/05-leader-election copy.ts' — rename it to 05-leader-election.ts and submit again";
    expect(graded.notes).toContain(`exercises/05-leader-election.ts is missing; ${found} (not graded`);
    const [missing, stub] = (JSON.parse(graded.reportText!) as GradeReport).exercises;
    expect(missing.problem).toBe(`exercises/05-leader-election.ts is missing; ${found}; until then this exercise scores zero (a file is graded only under its exact name)`);
    expect(stub.tests.length).toBeGreaterThan(0);
    for (const t of stub.tests) {
      expect(t.message).toMatch(/not implemented yet.*; 'my-repo\/exercises\/06-fencing copy\.ts' is there too, but only my-repo\/exercises\/06-fencing\.ts is graded: move your work into it$/);
    }
  }, 200_000);

  it("names each file as the student uploaded it in every message about it: syntax, screen, type and the code's own errors", async () => {
    const submissionDir = join(work, "named");
    const folder = "hw/My Lab (final)";
    writeFileIn(join(submissionDir, folder, "02-data-loss-window.ts"), "export function writesLostOnFailover(: number[] {\n  return [];\n}\n");
    writeFileIn(join(submissionDir, folder, "05-leader-election.ts"), [
      "export function chooseNewLeader(followers: readonly unknown[]): string | null {",
      '  const count: number = "none";',
      "  throw new Error(`gave up on ${followers.length} followers ${count}`);",
      "}",
      "",
    ].join("\n"));
    writeFileIn(join(submissionDir, folder, "06-fencing.ts"), `import { readFileSync } from "node:fs";\n${readFileSync(join(ROOT, "solutions/06-fencing.ts"), "utf8")}`);
    const graded = await gradeUpload({ graderRoot: ROOT, submissionDir, packed: [], format: "json", only: ["02", "05", "06"], timeoutMs: 180_000, env: { PATH: process.env.PATH }, extraArgs: ["--public"] });
    expect(graded.reportText, graded.failure).toBeDefined();
    const report = JSON.parse(graded.reportText!) as GradeReport;
    const [syntax, thrown, screened] = report.exercises;
    expect(report.exercises.map((e) => e.file)).toEqual(["02-data-loss-window.ts", "05-leader-election.ts", "06-fencing.ts"].map((f) => `${folder}/${f}`));
    expect(syntax.problem).toMatch(new RegExp(`^does not compile, so this exercise scores zero:\n${escape(folder)}/02-data-loss-window\\.ts:1:\\d+: `));
    expect(screened.problem).toContain(`${folder}/06-fencing.ts:1: imports "node:fs"`);
    expect(thrown.typeErrors?.[0]).toMatch(new RegExp(`^${escape(folder)}/05-leader-election\\.ts:2:9 error TS2322: `));
    expect(thrown.tests[0].message).toContain(`(at ${folder}/05-leader-election.ts:3:`);
    // Nothing names the grader's scratch copies.
    expect(graded.reportText).not.toMatch(/exercises\/0\d-|rl-grade-|\/tmp\//);
  }, 200_000);

  it("says in each exercise's message why a file under its name was not taken, not that it is missing", async () => {
    const submissionDir = join(work, "refused");
    writeFileIn(join(submissionDir, "exercises/05-leader-election.ts"), `// ${"x".repeat(MAX_EXERCISE_FILE_BYTES)}\n`);
    mkdirSync(join(submissionDir, "exercises/06-fencing.ts"), { recursive: true });
    const graded = await gradeUpload({ graderRoot: ROOT, submissionDir, packed: [], format: "json", only: ["05", "06"], timeoutMs: 180_000, env: { PATH: process.env.PATH }, extraArgs: ["--public"] });
    expect(graded.reportText, graded.failure).toBeDefined();
    expect(graded.notes).not.toMatch(/Not found/);
    const [tooLarge, folder] = (JSON.parse(graded.reportText!) as GradeReport).exercises;
    expect(tooLarge.problem).toBe(`exercises/05-leader-election.ts is ${MAX_EXERCISE_FILE_BYTES + 4} bytes, over the ${MAX_EXERCISE_FILE_BYTES}-byte limit: not graded, so this exercise scores zero`);
    expect(folder.problem).toBe("exercises/06-fencing.ts is a folder, not a file: not graded, so this exercise scores zero");
  }, 200_000);
});

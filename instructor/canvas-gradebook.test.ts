/**
 * From a batch of submissions to the file Canvas imports: the batch gradebook (with its error
 * column), then the Canvas import built on a gradebook export laid out the way Canvas exports
 * one (identity columns, a Points Possible row, the test student, read-only columns). Both files
 * are read back with a CSV parser, as Canvas reads them. Canvas itself is not run here.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "csv-parse/sync";
import { afterAll, describe, expect, it } from "vitest";
import { runBatch } from "../grader/batch";
import { makeFakeGrader } from "../grader/fixtures/fake-grader";
import { canvasGradebook, gradebookCsv, type GradebookRow } from "../grader/gradebook";
import { convert, parseCanvasGradebookArgs } from "./canvas-gradebook";
import { gradedExercises, readGradebook } from "./gradebook-file";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const work = mkdtempSync(join(tmpdir(), "rl-canvas-test-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const csv = (text: string) => parse(text, { columns: true, bom: true, relax_column_count: true }) as Record<string, string>[];
const rowsOf = (text: string) => parse(text, { bom: true }) as string[][];

/** A course's gradebook export as Canvas writes it. */
const EXPORT = [
  "Student,ID,SIS User ID,SIS Login ID,Section,Lab 1 (1234),Current Score,Final Score",
  "    Points Possible,,,,,10.00,(read only),(read only)",
  '"Lovelace, Ada",101,S-0001,ada,Section A,8.00,80.00,80.00',
  '"Hopper, Grace",102,S-0002,grace,Section A,,0.00,0.00',
  '"O\'Neil, Jo",103,S-0003,joneil,Section B,,,',
  '"Turing, Alan",104,S-0004,alan,Section B,,,',
  '"Student, Test",105,,c0ffee,Section A,,,',
].join("\r\n");

describe("the batch gradebook", () => {
  it("gives a submission with no exercise file its reason in the error column", async () => {
    const grader = makeFakeGrader(join(work, "grader"));
    const subs = join(work, "subs");
    for (const [file, text] of Object.entries({ "ada/exercises/01-alpha.ts": "full", "ada/exercises/02-beta.ts": "half", "grace/notes.md": "I ran out of time" })) {
      mkdirSync(dirname(join(subs, file)), { recursive: true });
      writeFileSync(join(subs, file), text);
    }
    await runBatch({ submissionsDir: subs, outCsv: join(work, "grades.csv"), graderRoot: grader, workers: 1 });
    const grades = csv(readFileSync(join(work, "grades.csv"), "utf8"));
    expect(grades).toEqual([
      { id: "ada", score: "15", max: "20", "01": "10", "02": "5", error: "" },
      { id: "grace", score: "0", max: "20", "01": "0", "02": "0", error: "no exercise files were found in the submission (expected files named like 01-alpha.ts or 02-beta.ts)" },
    ]);
  }, 120_000);
});

describe("canvasGradebook", () => {
  const rows: GradebookRow[] = [
    { id: "ada", score: 15.5, maxScore: 20, exercises: { "01": 10, "02": 5.5 } },
    { id: "GRACE", score: 0, maxScore: 0, exercises: {}, error: "no exercise files were found in the submission" },
    { id: "joneil", score: 20, maxScore: 20, exercises: { "01": 10, "02": 10 } },
    { id: "mallory", score: 3, maxScore: 20, exercises: { "01": 3 } },
  ];

  it("names each student as the export does, adds the assignment with its points possible, and leaves students without a submission blank", () => {
    const result = canvasGradebook(rows, csv(EXPORT), { assignment: "Replication Lab" });
    expect(result).toMatchObject({ assignment: "Replication Lab", existingAssignment: false, matchedBy: "SIS Login ID", unmatched: ["mallory"], noSubmission: ["Turing, Alan"] });
    expect(result.errors).toEqual([{ student: "Hopper, Grace", error: "no exercise files were found in the submission" }]);
    expect(rowsOf(result.csv)).toEqual([
      ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Replication Lab"],
      ["Points Possible", "", "", "", "", "20"],
      ["Lovelace, Ada", "101", "S-0001", "ada", "Section A", "15.5"],
      ["Hopper, Grace", "102", "S-0002", "grace", "Section A", "0"],
      ["O'Neil, Jo", "103", "S-0003", "joneil", "Section B", "20"],
      ["Turing, Alan", "104", "S-0004", "alan", "Section B", ""],
    ]);
  });

  it("fills an existing assignment's column, named as the export names it", () => {
    const result = canvasGradebook(rows, csv(EXPORT), { assignment: "Lab 1" });
    expect(result).toMatchObject({ assignment: "Lab 1 (1234)", existingAssignment: true });
    expect(rowsOf(result.csv)[0].at(-1)).toBe("Lab 1 (1234)");
  });

  it("matches by the column asked for, and refuses an id two students share", () => {
    const byId = canvasGradebook([{ id: "104", score: 7, maxScore: 20, exercises: {} }], csv(EXPORT), { assignment: "R", matchColumn: "ID" });
    expect(rowsOf(byId.csv)[5]).toEqual(["Turing, Alan", "104", "S-0004", "alan", "Section B", "7"]);
    const twice = `${EXPORT}\r\n"Turing, Alan",106,S-0006,alan,Section C,,,`;
    expect(() => canvasGradebook([{ id: "alan", score: 1, maxScore: 2, exercises: {} }], csv(twice), { assignment: "R" })).toThrow(
      "submission alan matches 2 students by SIS Login ID; choose another column with --match",
    );
  });

  it("refuses a gradebook none of whose submissions names a student, saying what the names look like", () => {
    const strangers: GradebookRow[] = [{ id: "alice", score: 1, maxScore: 2, exercises: {} }, { id: "bob", score: 2, maxScore: 2, exercises: {} }];
    expect(() => canvasGradebook(strangers, csv(EXPORT), { assignment: "R", matchColumn: "SIS User ID" })).toThrow(
      'none of the 2 submissions matches a student of the Canvas export by SIS User ID (submissions such as "alice", "bob"; the export\'s SIS User ID values look like "S-0001", "S-0002", "S-0003")',
    );
  });

  it("warns when an existing assignment is worth other points in Canvas, and scales the scores to them with points", () => {
    const plain = canvasGradebook(rows, csv(EXPORT), { assignment: "Lab 1" });
    expect(plain.pointsPossible).toBe(20);
    expect(plain.warnings).toEqual([
      'the assignment "Lab 1 (1234)" is worth 10 points in Canvas, and these scores are out of 20: Canvas keeps the assignment\'s 10 points, so a full score would read 200%. Give --points 10 to scale the scores to it, or change the assignment\'s points in Canvas.',
    ]);
    const scaled = canvasGradebook(rows, csv(EXPORT), { assignment: "Lab 1", points: 10 });
    expect(scaled.warnings).toEqual([]);
    expect(rowsOf(scaled.csv).slice(1, 5).map((r) => r.at(-1))).toEqual(["10", "7.75", "0", "10"]);
    expect(canvasGradebook(rows, csv(EXPORT), { assignment: "New lab" }).warnings).toEqual([]);
  });

  it("says what to export when the file is not a Canvas gradebook export", () => {
    expect(() => canvasGradebook(rows, csv("name,email\nada,a@x"), { assignment: "R" })).toThrow(
      "the Canvas export has no column ID, SIS User ID, SIS Login ID, Section: export the gradebook from Canvas (Grades › Export › Export Entire Gradebook)",
    );
  });
});

describe("npm run canvas-gradebook", () => {
  it("converts a batch gradebook file as written, formula-guarded ids included", () => {
    const grades = join(work, "cli-grades.csv");
    writeFileSync(grades, gradebookCsv([{ id: "ada", score: 12, maxScore: 20, exercises: { "01": 12 } }, { id: "=cmd", score: 1, maxScore: 20, exercises: { "01": 1 } }]));
    expect(readGradebook(csv(readFileSync(grades, "utf8")), grades).map((r) => r.id)).toEqual(["ada", "=cmd"]);
    const exported = join(work, "export.csv");
    writeFileSync(exported, EXPORT);
    const out = join(work, "canvas.csv");
    const result = convert(parseCanvasGradebookArgs(["--grades", grades, "--canvas-export", exported, "--out", out]));
    expect(result.unmatched).toEqual(["=cmd"]);
    expect(rowsOf(readFileSync(out, "utf8"))[2]).toEqual(["Lovelace, Ada", "101", "S-0001", "ada", "Section A", "12"]);
  });

  it("refuses a gradebook in which no submission was graded, whatever its max, and writes nothing", () => {
    const exported = join(work, "export.csv");
    writeFileSync(exported, EXPORT);
    // A batch now gives its error rows the points of the exercises it grades; an older one gave 0.
    for (const maxScore of [149, 0]) {
      const grades = join(work, `none-graded-${maxScore}.csv`);
      writeFileSync(grades, gradebookCsv([{ id: "ada", score: 0, maxScore, exercises: {}, error: "no exercise files were found in the submission" }], { exercises: ["01", "02"] }));
      const out = join(work, "none-graded-canvas.csv");
      expect(() => convert(parseCanvasGradebookArgs(["--grades", grades, "--canvas-export", exported, "--out", out]))).toThrow(
        `no submission in ${grades} was graded (each row has an error), so there are no scores to import: importing it would give every student zero. Fix what the error column says and grade the batch again.\nNothing was written.`,
      );
      expect(existsSync(out)).toBe(false);
    }
  });

  it("imports a gradebook of some exercises only (--only) into an assignment named for them, never by default into the whole lab's", () => {
    const grades = join(work, "only-03.csv");
    const rows: GradebookRow[] = [
      { id: "ada", score: 12.5, maxScore: 17, exercises: { "03": 12.5 } },
      { id: "grace", score: 0, maxScore: 17, exercises: {}, error: "no file of the exercises this batch grades (--only) was found in the submission" },
    ];
    writeFileSync(grades, gradebookCsv(rows, { exercises: ["03"], only: true }));
    const records = csv(readFileSync(grades, "utf8"));
    expect(records[0]).toEqual({ id: "ada", score: "12.5", max: "17", "03": "12.5", exercises: "03", error: "" });
    expect(gradedExercises(records)).toEqual(["03"]);
    // The column that names the exercises graded is not an exercise's score.
    expect(readGradebook(records, grades).map((r) => r.exercises)).toEqual([{ "03": 12.5 }, { "03": 0 }]);
    const exported = join(work, "export.csv");
    writeFileSync(exported, EXPORT);
    const out = join(work, "only-03-canvas.csv");
    const base = ["--grades", grades, "--canvas-export", exported, "--out", out];
    expect(() => convert(parseCanvasGradebookArgs(base))).toThrow(
      `${grades} grades exercise 03 only (graded with --only 03), out of 17 points: imported into the whole lab's assignment ("Replication Lab") its scores would replace each student's score for every exercise. ` +
        "Give --assignment NAME, an assignment of this exercise alone (a name the export does not have creates it in Canvas), or grade the batch without --only.\nNothing was written.",
    );
    expect(existsSync(out)).toBe(false);
    const result = convert(parseCanvasGradebookArgs([...base, "--assignment", "Lab: model registry"]));
    expect(result.warnings).toEqual([`${grades} grades exercise 03 only (graded with --only 03): the assignment "Lab: model registry" gets this exercise's scores alone, out of 17 points.`]);
    const written = rowsOf(readFileSync(out, "utf8"));
    expect(written[0].at(-1)).toBe("Lab: model registry");
    expect(written[1].at(-1)).toBe("17");
    expect(written[2]).toEqual(["Lovelace, Ada", "101", "S-0001", "ada", "Section A", "12.5"]);
    expect(written[3]).toEqual(["Hopper, Grace", "102", "S-0002", "grace", "Section A", "0"]);
    expect(result.errors).toEqual([{ student: "Hopper, Grace", error: rows[1].error }]);
    // Into an assignment worth other points, scaling is right only if it is this exercise's alone.
    const lab1 = convert(parseCanvasGradebookArgs([...base, "--assignment", "Lab 1"]));
    expect(lab1.warnings[1]).toBe(
      'the assignment "Lab 1 (1234)" is worth 10 points in Canvas, and these scores, of exercise 03 alone, are out of 17: if the assignment is for exercise 03 alone, give --points 10 to scale the scores to it; ' +
        "if it is for more exercises, do not import this file: each student's score would become that of exercise 03 alone.",
    );
  });

  it("answers --help, and names a missing option", () => {
    const help = spawnSync(process.execPath, ["node_modules/tsx/dist/cli.mjs", "instructor/canvas-gradebook.ts", "--help"], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("--canvas-export FILE");
    expect(() => parseCanvasGradebookArgs(["--grades", "g.csv"])).toThrow("--canvas-export is required");
    const base = ["--grades", "g.csv", "--canvas-export", "e.csv", "--out", "o.csv"];
    expect(parseCanvasGradebookArgs([...base, "--points", "10"]).points).toBe(10);
    expect(() => parseCanvasGradebookArgs([...base, "--points", "ten"])).toThrow('--points must be a positive number, got "ten"');
  });
});

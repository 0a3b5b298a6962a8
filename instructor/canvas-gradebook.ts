/**
 * Turns a batch gradebook into a file Canvas imports as it is:
 *   npm run canvas-gradebook -- --grades grades.csv --canvas-export export.csv --out canvas.csv
 *                               [--assignment NAME] [--match COLUMN]
 *
 * grades.csv is what `npm run grade -- --batch` writes (one row per submission, named after its
 * folder); export.csv is the course's gradebook exported from Canvas (Grades › Export), which
 * names every student the way Canvas will recognise them. The output keeps Canvas's identity
 * columns (Student, ID, SIS User ID, SIS Login ID, Section) and one assignment column with a
 * Points Possible row: import it with Grades › Import. See grader/gradebook.ts for the matching.
 */
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { canvasGradebook, type CanvasGradebook } from "../grader/gradebook";
import { gradedExercises, readCsv, readGradebook } from "./gradebook-file";
import { isMain, runCommand, valueFlags } from "./cli";

export interface CanvasGradebookOptions {
  grades: string;
  canvasExport: string;
  out: string;
  /** The assignment column; default DEFAULT_ASSIGNMENT, which a partial gradebook (`--only`) may not fill. */
  assignment?: string;
  match?: string;
  /** Scale the scores to this many points (the assignment's points in Canvas). */
  points?: number;
}

/** The assignment a gradebook fills when none is named: the whole lab's. */
export const DEFAULT_ASSIGNMENT = "Replication Lab";

export function convert(options: CanvasGradebookOptions): CanvasGradebook {
  const records = readCsv(options.grades, "the batch gradebook");
  const rows = readGradebook(records, options.grades);
  // Every row an error: whatever the points, importing it would give every student a zero.
  if (rows.length > 0 && rows.every((row) => row.error !== undefined)) {
    throw new Error(
      `no submission in ${options.grades} was graded (each row has an error), so there are no scores to import: importing it would give every student zero. ` +
        "Fix what the error column says and grade the batch again.\nNothing was written.",
    );
  }
  const only = gradedExercises(records);
  const max = Math.max(0, ...rows.filter((row) => !row.error).map((row) => row.maxScore));
  const which = only && `${only.length === 1 ? "exercise" : "exercises"} ${only.join(", ")} only (graded with --only ${only.join(",")})`;
  // A partial gradebook's scores are some exercises' alone: into the whole lab's assignment they
  // would replace every student's score for all of it.
  if (only && options.assignment === undefined) {
    throw new Error(
      `${options.grades} grades ${which}, out of ${max} points: imported into the whole lab's assignment ("${DEFAULT_ASSIGNMENT}") its scores would replace each student's score for every exercise. ` +
        `Give --assignment NAME, an assignment of ${only.length === 1 ? "this exercise" : "these exercises"} alone (a name the export does not have creates it in Canvas), ` +
        "or grade the batch without --only.\nNothing was written.",
    );
  }
  const part = only && `${only.length === 1 ? "exercise" : "exercises"} ${only.join(", ")} alone`;
  const result = canvasGradebook(rows, readCsv(options.canvasExport, "the Canvas export"), {
    assignment: options.assignment ?? DEFAULT_ASSIGNMENT,
    matchColumn: options.match,
    points: options.points,
    ...(part ? { part } : {}),
  });
  if (only) result.warnings.unshift(`${options.grades} grades ${which}: the assignment "${result.assignment}" gets ${only.length === 1 ? "this exercise's" : "these exercises'"} scores alone, out of ${result.pointsPossible} points.`);
  writeFileSync(resolve(options.out), result.csv);
  return result;
}

const USAGE = `usage: npm run canvas-gradebook -- --grades grades.csv --canvas-export export.csv --out canvas.csv [--assignment NAME] [--match COLUMN]
  --grades FILE         the gradebook of npm run grade -- --batch (submission folders named after students)
  --canvas-export FILE  the course's gradebook exported from Canvas (Grades › Export › Export Entire Gradebook)
  --out FILE            the file to import into Canvas (Grades › Import)
  --assignment NAME     the assignment column: an existing assignment's name (as in the export), or a new
                        one Canvas creates (default "Replication Lab"; required for a gradebook of
                        some exercises only, graded with --only)
  --match COLUMN        the export column the submission folder names are (default: the first of
                        SIS Login ID, SIS User ID, ID, Student that matches)
  --points N            scale the scores to N points (an existing assignment's points in Canvas;
                        default: the grader's own maximum)`;

export function parseCanvasGradebookArgs(argv: readonly string[]): CanvasGradebookOptions {
  const flags: Record<string, keyof CanvasGradebookOptions> = { "--grades": "grades", "--canvas-export": "canvasExport", "--out": "out", "--assignment": "assignment", "--match": "match", "--points": "points" };
  const options = valueFlags(argv, flags, USAGE);
  for (const [flag, field] of Object.entries(flags).slice(0, 3)) if (!options[field]) throw new Error(`${flag} is required\n${USAGE}`);
  const points = options.points === undefined ? undefined : Number(options.points);
  if (points !== undefined && !(Number.isFinite(points) && points > 0)) throw new Error(`--points must be a positive number, got ${JSON.stringify(options.points)}`);
  return { ...(options as Omit<CanvasGradebookOptions, "points">), ...(points !== undefined ? { points } : {}) };
}

if (isMain(import.meta.url)) {
  process.exitCode = await runCommand("canvas-gradebook", () => {
    const options = parseCanvasGradebookArgs(process.argv.slice(2));
    const r = convert(options);
    const lines = [
      `Wrote ${resolve(options.out)}: ${r.existingAssignment ? "updates" : "creates"} the assignment "${r.assignment}" (out of ${r.pointsPossible} points), submissions matched by ${r.matchedBy}.`,
      ...r.warnings.map((w) => `Warning: ${w}`),
      ...(r.errors.length > 0 ? [`Scored zero, not graded (${r.errors.length}):`, ...r.errors.map((e) => `  ${e.student}: ${e.error}`)] : []),
      ...(r.unmatched.length > 0 ? [`Submissions that match no student of the export, left out (${r.unmatched.length}): ${r.unmatched.join(", ")}`] : []),
      ...(r.noSubmission.length > 0 ? [`Students without a submission, left blank (${r.noSubmission.length}): ${r.noSubmission.join("; ")}`] : []),
      "Import it in Canvas: Grades › Import, then check the changes it lists before saving.",
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
  });
}

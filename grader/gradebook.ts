/**
 * The CSV gradebook of a batch: one row per submission, one column per exercise, and an error
 * column saying why a submission could not be graded (it then scores zero). And the same scores
 * as a file Canvas imports as it is (canvasGradebook).
 *
 * RFC 4180 quoting; a cell that a spreadsheet would run as a formula (=, +, -, @ first) is
 * prefixed with an apostrophe, because submission ids are chosen by students.
 */
import { writeWhole } from "./write-whole";

export interface GradebookRow {
  id: string;
  score: number;
  maxScore: number;
  /** Exercise id -> points scored. */
  exercises: Record<string, number>;
  /** Why the submission could not be graded; such a row scores zero. */
  error?: string;
}

/**
 * The error column's reason for a submission holding no exercise file; `only`: the batch grades
 * some exercises only (`--only`), and the submission holds none of theirs.
 */
export function emptySubmissionReason(exerciseFiles: readonly string[], only = false): string {
  const examples = exerciseFiles.slice(0, 2).join(" or ");
  const what = only ? "no file of the exercises this batch grades (--only) was found in the submission" : "no exercise files were found in the submission";
  return `${what}${examples ? ` (expected files named like ${examples})` : ""}`;
}

/**
 * What a batch knows of its gradebook before any submission is graded: the exercises it grades
 * (their ids, one column each, in every gradebook, even one in which no submission could be
 * graded), and `only` when they are some of the grader's exercises (`--only`): the gradebook then
 * says so in a column of its own, `exercises`, which `npm run canvas-gradebook` reads.
 */
export interface GradebookLayout {
  exercises: readonly string[];
  only?: boolean;
}

/** The column of a partial gradebook (`--only`) that names the exercises graded, as `--only` takes them: "03,05". */
export const GRADED_EXERCISES_COLUMN = "exercises";

export function gradebookCsv(rows: readonly GradebookRow[], layout?: GradebookLayout): string {
  const exerciseIds = [...new Set([...(layout?.exercises ?? []), ...rows.flatMap((row) => Object.keys(row.exercises))])].sort();
  const batchMax = outOf(rows);
  const graded = layout?.only ? [GRADED_EXERCISES_COLUMN] : [];
  const header = ["id", "score", "max", ...exerciseIds, ...graded, "error"];
  const lines = [header.map(cell).join(",")];
  for (const row of rows) {
    const perExercise = exerciseIds.map((id) => (id in row.exercises ? number(row.exercises[id]) : row.error ? "0" : ""));
    const max = row.error ? batchMax : row.maxScore;
    const which = layout?.only ? [exerciseIds.join(",")] : [];
    lines.push([row.id, number(row.score), number(max), ...perExercise, ...which, row.error ?? ""].map(cell).join(","));
  }
  return csvText(lines);
}

export function writeGradebook(path: string, rows: readonly GradebookRow[], layout?: GradebookLayout): void {
  writeWhole(path, gradebookCsv(rows, layout));
}

/**
 * What every row is out of: the graded rows' maximum. A row that failed to grade has no max of its
 * own, and is out of the same total as the others; when no row was graded, the error rows' max
 * (the batch gives them the points of the exercises it grades) is the total.
 */
function outOf(rows: readonly GradebookRow[]): number {
  const graded = rows.filter((row) => !row.error);
  return Math.max(0, ...(graded.length > 0 ? graded : rows).map((row) => row.maxScore));
}

/** The columns of Canvas's gradebook export that identify a student, in Canvas's order. */
export const CANVAS_IDENTITY = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"] as const;
/** The columns a submission id may name, tried in this order unless one is chosen. */
export const CANVAS_MATCH_COLUMNS = ["SIS Login ID", "SIS User ID", "ID", "Student"] as const;

export interface CanvasGradebook {
  /** The file to import into Canvas (Grades › Import). */
  csv: string;
  /** The assignment column it fills, and whether Canvas already has that assignment. */
  assignment: string;
  existingAssignment: boolean;
  /** The export column the submission ids were matched against. */
  matchedBy: string;
  /** Submissions whose id names no student of the export: not in the file. */
  unmatched: string[];
  /** Students of the export without a submission: left blank, so Canvas leaves their grade as it is. */
  noSubmission: string[];
  /** Students whose submission could not be graded (zero in the file), with the reason. */
  errors: { student: string; error: string }[];
  /** The points the scores are out of in the file (the batch's own, or `points` when given). */
  pointsPossible: number;
  /** Things to check before importing, such as points that differ from the assignment's in Canvas. */
  warnings: string[];
}

/**
 * The scores of `rows` as a Canvas gradebook import, built on the course's own gradebook export
 * (`exportRecords`: its rows parsed with their header as keys), so that every student is named
 * exactly as Canvas names them. Each submission id is matched against one identity column:
 * `matchColumn`, or the first of SIS Login ID, SIS User ID, ID and Student that matches any
 * submission. The assignment is a column of the export (its "Name (id)" header, which updates
 * that assignment) or a new name, which Canvas creates with the points possible given.
 */
export function canvasGradebook(
  rows: readonly GradebookRow[],
  exportRecords: readonly Record<string, string>[],
  options: {
    assignment: string;
    matchColumn?: string;
    points?: number;
    /** The exercises of a partial gradebook (`--only`), as a phrase ("exercise 03 alone"): the points warning then says what scaling them means. */
    part?: string;
  },
): CanvasGradebook {
  const header = Object.keys(exportRecords[0] ?? {});
  const missing = CANVAS_IDENTITY.filter((column) => column !== "Student" && !header.includes(column));
  if (missing.length > 0) {
    throw new Error(`the Canvas export has no column ${missing.join(", ")}: export the gradebook from Canvas (Grades › Export › Export Entire Gradebook)`);
  }
  // Canvas puts a "Points Possible" row (and sometimes the test student) under the header.
  const students = exportRecords.filter((r) => !/^\s*Points Possible\s*$/.test(r.Student ?? "") && r.ID?.trim() && r.Student !== "Student, Test");
  const key = (text: string | undefined) => (text ?? "").trim().toLowerCase();
  const candidates: readonly string[] = options.matchColumn ? [options.matchColumn] : CANVAS_MATCH_COLUMNS;
  for (const column of candidates) {
    if (!header.includes(column)) throw new Error(`the Canvas export has no column ${JSON.stringify(column)} to match submissions by (it has ${header.slice(0, 6).join(", ")}, …)`);
  }
  const matchedBy =
    candidates.find((column) => rows.some((row) => students.some((s) => key(s[column]) !== "" && key(s[column]) === key(row.id)))) ?? candidates[0];
  const byStudent = new Map<Record<string, string>, GradebookRow>();
  const unmatched: string[] = [];
  for (const row of rows) {
    const found = students.filter((s) => key(s[matchedBy]) !== "" && key(s[matchedBy]) === key(row.id));
    if (found.length > 1) throw new Error(`submission ${row.id} matches ${found.length} students by ${matchedBy}; choose another column with --match`);
    if (found.length === 0) unmatched.push(row.id);
    else byStudent.set(found[0], row);
  }
  if (rows.length > 0 && byStudent.size === 0) {
    throw new Error(
      `none of the ${rows.length} submissions matches a student of the Canvas export by ${matchedBy} (submissions such as ${rows.slice(0, 3).map((r) => JSON.stringify(r.id)).join(", ")}; ` +
        `the export's ${matchedBy} values look like ${students.slice(0, 3).map((s) => JSON.stringify(s[matchedBy] ?? "")).join(", ")}): ` +
        `name each submission folder after the student as one of the columns ${CANVAS_MATCH_COLUMNS.join(", ")} does, or choose the column with --match`,
    );
  }
  const existing = header.find((column) => column === options.assignment || column.startsWith(`${options.assignment} (`));
  const assignment = existing ?? options.assignment;
  const batchMax = outOf(rows);
  const max = options.points ?? batchMax;
  const scale = (score: number) => (options.points === undefined || batchMax === 0 ? score : (score * options.points) / batchMax);
  const warnings: string[] = [];
  const pointsRow = exportRecords.find((r) => /^\s*Points Possible\s*$/.test(r.Student ?? ""));
  const canvasPoints = existing && pointsRow ? Number(pointsRow[existing]) : NaN;
  if (Number.isFinite(canvasPoints) && canvasPoints !== max && options.part !== undefined) {
    warnings.push(
      `the assignment "${existing}" is worth ${canvasPoints} points in Canvas, and these scores, of ${options.part}, are out of ${number(max)}: ` +
        `if the assignment is for ${options.part}, give --points ${canvasPoints} to scale the scores to it; ` +
        `if it is for more exercises, do not import this file: each student's score would become that of ${options.part}.`,
    );
  } else if (Number.isFinite(canvasPoints) && canvasPoints !== max) {
    warnings.push(
      `the assignment "${existing}" is worth ${canvasPoints} points in Canvas, and these scores are out of ${number(max)}: ` +
        `Canvas keeps the assignment's ${canvasPoints} points, so a full score would read ${number((max / canvasPoints) * 100)}%. ` +
        `Give --points ${canvasPoints} to scale the scores to it, or change the assignment's points in Canvas.`,
    );
  }
  const lines = [[...CANVAS_IDENTITY, assignment].map(cell).join(",")];
  lines.push(["Points Possible", "", "", "", "", number(max)].map(cell).join(","));
  const noSubmission: string[] = [];
  const errors: CanvasGradebook["errors"] = [];
  for (const student of students) {
    const row = byStudent.get(student);
    if (!row) noSubmission.push(student.Student ?? student.ID);
    else if (row.error) errors.push({ student: student.Student ?? student.ID, error: row.error });
    const score = row ? number(row.error ? 0 : scale(row.score)) : "";
    lines.push([...CANVAS_IDENTITY.map((column) => student[column] ?? ""), score].map(cell).join(","));
  }
  return { csv: csvText(lines), assignment, existingAssignment: existing !== undefined, matchedBy, unmatched, noSubmission, errors, pointsPossible: max, warnings };
}

/** Points keep at most two decimals (partial credit over many seeds gives long fractions). */
function number(value: number): string {
  return String(Math.round(value * 100) / 100);
}

function cell(text: string): string {
  // Only a whole number is let through as it is (a negative score): "-1+cmd|..." is a formula.
  const safe = /^[=+\-@\t\r]/.test(text) && !/^-?\d+(\.\d+)?$/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function csvText(lines: readonly string[]): string {
  return `${lines.join("\r\n")}\r\n`;
}

/**
 * Reading a batch gradebook back (grades.csv, as `npm run grade -- --batch` writes it), for the
 * instructor commands that start from one: canvas-gradebook and merge-grades.
 */
import { readFileSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { parse } from "csv-parse/sync";
import { GRADED_EXERCISES_COLUMN, type GradebookRow } from "../grader/gradebook";

/** A CSV file's rows, its header as their keys; the error names `what` the file is and where a relative path led. */
export function readCsv(path: string, what: string): Record<string, string>[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const where = isAbsolute(path) ? "" : ` (${resolve(path)}: npm runs the command from the project's root, so a relative path starts there)`;
    throw new Error(`cannot read ${what} ${path}${where}: ${(error as Error).message}`);
  }
  try {
    return parse(text, { columns: true, bom: true, skip_empty_lines: true, relax_column_count: true }) as Record<string, string>[];
  } catch (error) {
    throw new Error(`${what} ${path} is not a CSV file: ${(error as Error).message}`);
  }
}

/** The rows of a batch gradebook (grades.csv) as the batch wrote them. */
export function readGradebook(records: readonly Record<string, string>[], path: string): GradebookRow[] {
  if (records.length > 0 && !["id", "score", "max"].every((column) => column in records[0])) {
    throw new Error(`${path} is not a batch gradebook (id, score, max, …, error): write one with npm run grade -- --batch DIR --out grades.csv`);
  }
  const fixed = new Set(["id", "score", "max", GRADED_EXERCISES_COLUMN, "error"]);
  return records.map((r) => ({
    // The gradebook guards ids a spreadsheet would run as formulas with an apostrophe.
    id: r.id.replace(/^'(?=[=+\-@\t\r])/, ""),
    score: Number(r.score),
    maxScore: Number(r.max),
    exercises: Object.fromEntries(Object.entries(r).filter(([k, v]) => !fixed.has(k) && v !== "").map(([k, v]) => [k, Number(v)])),
    ...(r.error ? { error: r.error } : {}),
  }));
}

/**
 * The exercises a partial gradebook graded (`npm run grade -- --batch … --only 03,05` writes them
 * in its `exercises` column: "03,05"), or undefined for a gradebook of every exercise.
 */
export function gradedExercises(records: readonly Record<string, string>[]): string[] | undefined {
  const value = records.find((r) => r[GRADED_EXERCISES_COLUMN])?.[GRADED_EXERCISES_COLUMN];
  return value === undefined ? undefined : value.split(",").map((id) => id.trim()).filter(Boolean);
}

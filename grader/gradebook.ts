/**
 * The CSV gradebook of a batch: one row per submission, one column per exercise.
 *
 * RFC 4180 quoting; a cell that a spreadsheet would run as a formula (=, +, -, @ first) is
 * prefixed with an apostrophe, because submission ids are chosen by students.
 */
import { writeFileSync } from "node:fs";

export interface GradebookRow {
  id: string;
  score: number;
  maxScore: number;
  /** Exercise id -> points scored. */
  exercises: Record<string, number>;
  /** Why the submission could not be graded; such a row scores zero. */
  error?: string;
}

export function gradebookCsv(rows: readonly GradebookRow[]): string {
  const exerciseIds = [...new Set(rows.flatMap((row) => Object.keys(row.exercises)))].sort();
  // A row that failed to grade has no max of its own: it is out of the same total as the others.
  const batchMax = Math.max(0, ...rows.filter((row) => !row.error).map((row) => row.maxScore));
  const header = ["id", "score", "max", ...exerciseIds, "error"];
  const lines = [header.map(cell).join(",")];
  for (const row of rows) {
    const perExercise = exerciseIds.map((id) => (id in row.exercises ? number(row.exercises[id]) : row.error ? "0" : ""));
    const max = row.error ? batchMax : row.maxScore;
    lines.push([row.id, number(row.score), number(max), ...perExercise, row.error ?? ""].map(cell).join(","));
  }
  return `${lines.join("\r\n")}\r\n`;
}

export function writeGradebook(path: string, rows: readonly GradebookRow[]): void {
  writeFileSync(path, gradebookCsv(rows));
}

/** Points keep at most two decimals (partial credit over many seeds gives long fractions). */
function number(value: number): string {
  return String(Math.round(value * 100) / 100);
}

function cell(text: string): string {
  const safe = /^[=+\-@\t\r]/.test(text) && !/^-?\d/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

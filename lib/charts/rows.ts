/**
 * Checking the rows a chart builder is given, so that a typo in a field name fails with a message
 * naming the row and field instead of drawing an empty chart.
 */
import { ConfigError } from "../errors";

/** A tidy data row, as `sweep` returns them: field name to value. */
export type ChartRow = Record<string, unknown>;

/** Throws a ConfigError unless `rows` is a non-empty array of objects. */
export function checkRowList(rows: unknown, field = "rows"): ChartRow[] {
  if (!Array.isArray(rows) || rows.length === 0) {
    throw new ConfigError(field, rows, "it must be a non-empty array of row objects, e.g. the rows sweep() returns");
  }
  rows.forEach((row, i) => {
    if (typeof row !== "object" || row === null || Array.isArray(row)) {
      throw new ConfigError(`${field}[${i}]`, row, "each row must be an object of field values");
    }
  });
  return rows as ChartRow[];
}

/** Throws a ConfigError unless every row holds a finite number >= 0 in each of `fields`. */
export function checkNumberFields(rows: ChartRow[], fields: string[], field = "rows"): void {
  rows.forEach((row, i) => {
    for (const name of fields) {
      const value = row[name];
      if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
        throw new ConfigError(`${field}[${i}].${name}`, value, `it must be a finite number >= 0 (fields present: ${Object.keys(row).join(", ")})`);
      }
    }
  });
}

/** Throws a ConfigError unless every row holds a string or number label in each of `fields`. */
export function checkLabelFields(rows: ChartRow[], fields: string[], field = "rows"): void {
  rows.forEach((row, i) => {
    for (const name of fields) {
      const value = row[name];
      if (typeof value !== "string" && typeof value !== "number") {
        throw new ConfigError(`${field}[${i}].${name}`, value, `it must be a label (a string or number; fields present: ${Object.keys(row).join(", ")})`);
      }
    }
  });
}

/** Each row cut down to `fields`, so a spec carries only the data its chart draws. */
export function pickFields(rows: ChartRow[], fields: string[]): ChartRow[] {
  return rows.map((row) => {
    const out: ChartRow = {};
    for (const name of fields) if (row[name] !== undefined) out[name] = row[name];
    return out;
  });
}

/** Distinct values of `field` in first-appearance order (a stable legend and colour order). */
export function distinctValues(rows: ChartRow[], field: string): (string | number)[] {
  const seen: (string | number)[] = [];
  for (const row of rows) {
    const value = row[field] as string | number;
    if (!seen.includes(value)) seen.push(value);
  }
  return seen;
}

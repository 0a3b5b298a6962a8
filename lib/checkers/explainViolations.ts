import type { Violation } from "../history";
import type { CheckSummary } from "./checkAll";
import { byTime } from "./describe";

/**
 * A short text table of violations for students: when, which guarantee, the ops involved and
 * what happened, earliest first, at most `limit` rows and a line saying how many were left out.
 * Takes a list of violations or a whole `checkAll` summary.
 */
export function explainViolations(violations: Violation[] | CheckSummary, limit = 10): string {
  const all = byTime(Array.isArray(violations) ? [...violations] : Object.values(violations).flat());
  if (all.length === 0) return "No violations.";
  const shown = all.slice(0, Math.max(0, limit));
  const rows = shown.map((v) => [timeCell(v.atMs), v.guarantee, v.ops.join(", "), v.message]);
  const header = ["at ms", "guarantee", "ops", "what happened"];
  const widths = header.slice(0, 3).map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) =>
    cells.map((cell, c) => (c < 3 ? cell.padEnd(widths[c]) : cell)).join("  ").trimEnd();
  const lines = [line(header), ...rows.map(line)];
  if (all.length > shown.length) lines.push(`… ${all.length - shown.length} more (${all.length} in all)`);
  return lines.join("\n");
}

function timeCell(t: number): string {
  return Number.isFinite(t) ? String(Number(t.toFixed(2))) : "never";
}

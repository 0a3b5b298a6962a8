/** Prints what PostgreSQL did beside what the simulator predicts for the same settings, against the workbook's targets. */
import { agreement, AGREEMENT_TARGETS, type AgreementRow, type PgLabResults } from "../lib/pg-compare";
import { fmt } from "./settings";

const HEADINGS: Record<AgreementRow["measure"], string> = {
  "commit latency p50": "commit latency p50 (ms)",
  "stale reads": "reads on s1 right after the commit that missed it",
  "lost writes": "acknowledged writes lost on failover to s1",
};

/** The comparison as lines of text, as the command line prints it after a run. */
export function comparisonLines(results: PgLabResults): string[] {
  const rows = agreement(results);
  const t = AGREEMENT_TARGETS;
  const lines = [
    "PostgreSQL beside the simulator, fed with what the lab measured (the primary's commit time, the",
    "standbys' write, flush and replay, the proxy's delays, the path of a read), against the targets:",
    `commit p50 within ${t.latencyRelative * 100}% or ${t.latencyMs} ms, stale reads within ${t.staleShare * 100} points, lost writes within ${t.lostRelative * 100}% (none where PostgreSQL lost none).`,
  ];
  for (const measure of Object.keys(HEADINGS) as AgreementRow["measure"][]) {
    lines.push(`  ${HEADINGS[measure].padEnd(58)} ${"PostgreSQL".padStart(10)} ${"simulator".padStart(10)}`);
    for (const r of rows.filter((row) => row.measure === measure)) {
      const value = (v: number) => (r.unit === "share" ? `${(v * 100).toFixed(1)}%` : fmt(v).trim());
      lines.push(`  ${r.agrees ? "  " : "✗ "}${r.label.padEnd(56)} ${value(r.measured).padStart(10)} ${value(r.simulated).padStart(10)}`);
    }
  }
  const off = rows.filter((r) => !r.agrees).length;
  lines.push(`${rows.length - off} of ${rows.length} within the targets${off > 0 ? " (✗: outside)" : ""}; notebooks/06-real-postgres.ipynb explains what the model leaves out.`);
  return lines;
}

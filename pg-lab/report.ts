/** Prints what PostgreSQL did beside what the simulator predicts for the same settings. */
import { compareCommitLatency, compareLostWrites, compareStaleReads, type PgLabResults } from "../lib/pg-compare";
import { fmt } from "./settings";

/** The comparison as lines of text, as the command line prints it after a run. */
export function comparisonLines(results: PgLabResults): string[] {
  const lines: string[] = [];
  const log = (line: string) => lines.push(line);
  log("PostgreSQL beside the simulator (same settings, the proxy's measured delays, the measured local commit time):");
  log(`  ${"commit latency p50 (ms)".padEnd(50)} ${"measured".padStart(9)} ${"simulated".padStart(9)}`);
  for (const row of compareCommitLatency(results)) {
    log(`  ${row.label.padEnd(50)} ${fmt(row.measured.p50Ms).padStart(9)} ${fmt(row.simulated.p50Ms).padStart(9)}`);
  }
  log(`  ${"stale reads on s1 right after commit".padEnd(50)} ${"measured".padStart(9)} ${"simulated".padStart(9)}`);
  for (const row of compareStaleReads(results)) {
    log(`  ${row.label.padEnd(50)} ${pct(row.measuredStaleShare).padStart(9)} ${pct(row.simulatedStaleShare).padStart(9)}`);
  }
  log(`  ${"acknowledged writes lost on failover to s1".padEnd(58)} ${"measured".padStart(13)} ${"simulated".padStart(13)}`);
  for (const row of compareLostWrites(results)) {
    const m = `${row.measuredLost}/${row.measuredAcked}`;
    const s = `${row.simulatedLost}/${row.simulatedAcked}`;
    log(`  ${row.label.padEnd(58)} ${m.padStart(13)} ${s.padStart(13)}`);
  }
  log("Where they differ, notebooks/06-real-postgres.ipynb explains why (fsync, apply, WAL sent after the local flush).");
  return lines;
}

function pct(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

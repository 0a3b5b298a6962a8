/**
 * Does the simulator tell the truth? Every comparison of the lab against a target: how far the
 * simulator may be from PostgreSQL and still agree.
 */
import { compareCommitLatency, compareLostWrites, compareStaleReads } from "./compare";
import type { PgLabResults } from "./format";

export interface AgreementTargets {
  /** Stale-read shares may differ by this much (0.10: ten points). */
  staleShare: number;
  /** Commit latency medians may differ by this share of PostgreSQL's… */
  latencyRelative: number;
  /** …or by this many milliseconds, whichever is more. */
  latencyMs: number;
  /** Lost-write shares may differ by this share of PostgreSQL's; where PostgreSQL lost none, the simulator must lose none. */
  lostRelative: number;
  /**
   * …or by this many standard deviations of a count of that size (√lost, the larger of the two
   * counts, as for a Poisson count): a handful of lost writes is mostly chance, and PostgreSQL can
   * lose none where it usually loses a few. 0: no such allowance, and none lost where PostgreSQL
   * lost none.
   */
  lostCountingSigmas: number;
}

/** The workbook's targets for the simulator against PostgreSQL. */
export const AGREEMENT_TARGETS: Readonly<AgreementTargets> = Object.freeze({ staleShare: 0.1, latencyRelative: 0.2, latencyMs: 0.25, lostRelative: 0.2, lostCountingSigmas: 0 });

export interface AgreementRow {
  measure: "commit latency p50" | "stale reads" | "lost writes";
  label: string;
  /** "share": a fraction of reads or of acknowledged writes. */
  unit: "ms" | "share";
  measured: number;
  simulated: number;
  /** simulated − measured. */
  gap: number;
  /** The largest gap the targets allow for this row. */
  allowed: number;
  agrees: boolean;
  /** Why the two differ, or agree. */
  why: string;
}

function row(measure: AgreementRow["measure"], label: string, unit: AgreementRow["unit"], measured: number, simulated: number, allowed: number, why: string): AgreementRow {
  const gap = simulated - measured;
  // A hair of slack for floating point: a gap exactly at the target agrees.
  return { measure, label, unit, measured, simulated, gap, allowed, agrees: Math.abs(gap) <= allowed + 1e-12, why };
}

/** Every latency case, stale-read case and failover scenario of the results, against the targets. */
export function agreement(results: PgLabResults, targets: AgreementTargets = AGREEMENT_TARGETS, options: { seed?: number; writes?: number } = {}): AgreementRow[] {
  const rows: AgreementRow[] = [];
  for (const r of compareCommitLatency(results, options)) {
    const allowed = Math.max(targets.latencyRelative * r.measured.p50Ms, targets.latencyMs);
    rows.push(row("commit latency p50", r.label, "ms", r.measured.p50Ms, r.simulated.p50Ms, allowed, r.why));
  }
  for (const r of compareStaleReads(results, options)) {
    rows.push(row("stale reads", r.label, "share", r.measuredStaleShare, r.simulatedStaleShare, targets.staleShare, r.why));
  }
  for (const r of compareLostWrites(results, options)) {
    const measured = r.measuredAcked > 0 ? r.measuredLost / r.measuredAcked : 0;
    const simulated = r.simulatedAcked > 0 ? r.simulatedLost / r.simulatedAcked : 0;
    const chance = r.measuredAcked > 0 ? (targets.lostCountingSigmas * Math.sqrt(Math.max(r.measuredLost, r.simulatedLost))) / r.measuredAcked : 0;
    rows.push(row("lost writes", r.label, "share", measured, simulated, Math.max(targets.lostRelative * measured, chance), r.why));
  }
  return rows;
}

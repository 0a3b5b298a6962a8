/**
 * The lab's results format on disk: what `npm run pg-lab -- --json FILE` writes and
 * `runPgLab()` returns. The format itself (PgLabResults) lives with the comparison that reads it,
 * in lib/pg-compare/format.ts; this file reads and writes it.
 */
import { readFileSync } from "node:fs";
import { PG_LAB_RESULTS_VERSION, READABLE_PG_LAB_RESULTS_VERSIONS, upgradePgLabResults, type PgLabResults } from "../lib/pg-compare";

export {
  stepTimings,
  type BlockStepsCase,
  type LatencyCase,
  type StandbyStepsCase,
  type StepTimings,
  type WalSyncStats,
} from "../lib/pg-compare";

/** What the lab measures: the results format (PG_LAB_RESULTS_VERSION). */
export type LabResults = PgLabResults;

/** A results file that is not one: names the file and what is wrong. */
export class ResultsFileError extends Error {
  override readonly name = "ResultsFileError";
}

/**
 * Reads a results file written by the lab. An older file (version 1, written before the lab timed
 * the standbys' steps; version 2, before it kept each timed commit's moments together) is read with
 * those parts empty, so older recorded runs still load.
 */
export function readLabResults(file: string): LabResults {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new ResultsFileError(`${file}: cannot be read as JSON (${(err as Error).message}); write one with npm run pg-lab -- --quick --json ${file}`);
  }
  const r = parsed as Partial<PgLabResults> | null;
  const missing = (["version", "roundTrip", "latency", "staleReads", "lostWrites", "proxy"] as const).filter((k) => r == null || r[k] === undefined);
  const version = r?.version as unknown;
  if (missing.length > 0 || !READABLE_PG_LAB_RESULTS_VERSIONS.includes(version as number)) {
    const problem = missing.length > 0 ? `missing ${missing.join(", ")}` : `version ${JSON.stringify(version)}, expected ${READABLE_PG_LAB_RESULTS_VERSIONS.join(", ")} (this lab writes ${PG_LAB_RESULTS_VERSION})`;
    throw new ResultsFileError(`${file}: not a PostgreSQL lab results file (${problem}); write one with npm run pg-lab -- --quick --json ${file}`);
  }
  return upgradePgLabResults(r as PgLabResults);
}

/** Indented JSON, with lists of numbers (the percentiles) kept on one line each. */
export function resultsJson(results: LabResults): string {
  return JSON.stringify(results, null, 1).replace(/\[\n\s*(-?[\d.e+-]+(?:,\n\s*-?[\d.e+-]+)*)\n\s*\]/g, (_, inner: string) => `[${inner.replace(/\s+/g, "")}]`) + "\n";
}

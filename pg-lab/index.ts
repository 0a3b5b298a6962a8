/**
 * The PostgreSQL lab as a function: real streaming replication on 127.0.0.1, measured, for
 * comparison with the simulator. The command line (`npm run pg-lab`, pg-lab/cli.ts) and notebook 06
 * both call runPgLab.
 *
 * Notebooks import it as `replication-lab/pg-lab` (pg-lab/package.json points there at the bundle
 * `npm run build` makes, dist/pg-lab.cjs, and its type declarations).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { exitOnSignals } from "./cleanup";
import { runLab } from "./lab";
import { labOptions, type PgLabOptions } from "./options";
import { ensurePostgres } from "./postgres-install";
import { resultsJson, type LabResults } from "./results";

export { comparisonLines } from "./report";
export { LabOptionError, type PgLabOptions } from "./options";
export { findPostgres, INSTALL_COMMAND, PostgresMissingError, type PostgresInstall } from "./postgres-install";
export {
  readLabResults,
  ResultsFileError,
  resultsJson,
  type LabResults,
  type LatencyCase,
  stepTimings,
  type StandbyStepsCase,
  type StepTimings,
  type WalSyncStats,
} from "./results";

export interface RunPgLabOptions extends PgLabOptions {
  /** Where progress lines go. Default: console.log. */
  log?: (line: string) => void;
  /** Aborting stops the lab between measurements; its servers are stopped and its folders removed. */
  signal?: AbortSignal;
}

/**
 * Runs the lab and returns what it measured. Throws PostgresMissingError (whose message says how to
 * install PostgreSQL) when the server programs are missing and were not installed, and
 * LabOptionError on a bad option. While it runs, SIGTERM and SIGHUP stop its servers and remove its
 * folders before the process ends; SIGINT is left to the caller (the command line exits on it, a
 * notebook kernel interrupts the cell with it).
 */
export async function runPgLab(options: RunPgLabOptions = {}): Promise<LabResults> {
  const { log = (line: string) => console.log(line), signal, ...rest } = options;
  const lab = labOptions(rest);
  const pgInstall = ensurePostgres({ install: lab.install, log });
  const release = exitOnSignals(["SIGTERM", "SIGHUP"]);
  try {
    const results = await runLab(pgInstall, lab, { log, signal });
    if (lab.jsonFile) {
      mkdirSync(path.dirname(path.resolve(lab.jsonFile)), { recursive: true });
      writeFileSync(lab.jsonFile, resultsJson(results));
      log(`Results written to ${lab.jsonFile}`);
    }
    return results;
  } finally {
    release();
  }
}

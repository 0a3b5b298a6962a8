/**
 * `npm run pg-lab [-- --quick] [--json FILE]`: real PostgreSQL streaming replication on 127.0.0.1,
 * measured, for comparison with the simulator. See `--help`.
 *
 * Exit codes: 0 done; 1 the lab failed; 2 PostgreSQL is missing and was not installed; 64 bad options.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { cleanupNow } from "./pg-lab/cleanup";
import { runLab } from "./pg-lab/lab";
import { printComparison } from "./pg-lab/report";
import { parseOptions, USAGE, UsageError } from "./pg-lab/options";
import { ensurePostgres, PostgresMissingError } from "./pg-lab/postgres-install";

export const EXIT_POSTGRES_MISSING = 2;

/** Indented JSON, with lists of numbers (the percentiles) kept on one line each. */
function toJson(value: unknown): string {
  return JSON.stringify(value, null, 1).replace(/\[\n\s*(-?[\d.e+-]+(?:,\n\s*-?[\d.e+-]+)*)\n\s*\]/g, (_, inner: string) => `[${inner.replace(/\s+/g, "")}]`) + "\n";
}

async function main(): Promise<number> {
  let options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`${err.message}\n\n${USAGE}`);
      return 64;
    }
    throw err;
  }
  if (options === "help") {
    console.log(USAGE);
    return 0;
  }
  let pgInstall;
  try {
    pgInstall = ensurePostgres({ install: options.install });
  } catch (err) {
    if (err instanceof PostgresMissingError) {
      console.error(err.message);
      return EXIT_POSTGRES_MISSING;
    }
    throw err;
  }
  const results = await runLab(pgInstall, options, (line) => console.log(line));
  if (options.jsonFile) {
    mkdirSync(path.dirname(path.resolve(options.jsonFile)), { recursive: true });
    writeFileSync(options.jsonFile, toJson(results));
    console.log(`Results written to ${options.jsonFile}`);
  }
  printComparison(results, (line) => console.log(line));
  console.log(`Done in ${(results.durationMs / 1000).toFixed(1)} s.`);
  return 0;
}

main()
  .then((code) => {
    cleanupNow();
    process.exit(code);
  })
  .catch((err: unknown) => {
    console.error(`pg-lab failed: ${err instanceof Error ? err.message : String(err)}`);
    cleanupNow();
    process.exit(1);
  });

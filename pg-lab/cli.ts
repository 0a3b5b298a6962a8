/**
 * `npm run pg-lab [-- --quick] [--json FILE]`: real PostgreSQL streaming replication on 127.0.0.1,
 * measured, for comparison with the simulator. See `--help`.
 *
 * Exit codes: 0 done; 1 the lab failed; 2 PostgreSQL is missing and was not installed; 64 bad options;
 * 130/143/129 stopped by SIGINT/SIGTERM/SIGHUP (after stopping the servers).
 */
import { cleanupNow, exitOnSignals } from "./cleanup";
import { comparisonLines, PostgresMissingError, runPgLab } from "./index";
import { parseOptions, USAGE, UsageError } from "./options";

export const EXIT_POSTGRES_MISSING = 2;

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
  exitOnSignals(["SIGINT", "SIGTERM", "SIGHUP"]);
  let results;
  try {
    results = await runPgLab(options);
  } catch (err) {
    if (err instanceof PostgresMissingError) {
      console.error(err.message);
      return EXIT_POSTGRES_MISSING;
    }
    throw err;
  }
  for (const line of comparisonLines(results)) console.log(line);
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

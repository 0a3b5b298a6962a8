/** Command-line options of `npm run pg-lab`, and the sizes of the quick and the full run. */

export interface LabOptions {
  quick: boolean;
  jsonFile: string | null;
  /** Install PostgreSQL with apt when missing and root. */
  install: boolean;
  /** One-way delay the proxy adds on s1's link, in the delayed cases. */
  delayMs: number;
  /** recovery_min_apply_delay on s1 in the slow-apply cases. */
  applyDelayMs: number;
  /** Commits per latency case. */
  commits: number;
  /** Commit-then-read trials per stale-read case. */
  trials: number;
  /** How long writers run while s1 is cut off before the crash. */
  lossWindowMs: number;
}

export const USAGE = `Usage: npm run pg-lab [-- options]

Runs a real PostgreSQL primary and two standbys on 127.0.0.1 and measures commit latency, stale
reads and lost acknowledged writes for each synchronous_commit setting.

  --quick            a short run (about a minute) with fewer commits per setting
  --json FILE        write the results to FILE (read by notebooks/06-real-postgres.ipynb)
  --delay-ms N       one-way delay the proxy adds to standby s1's link (default 5)
  --apply-delay-ms N recovery_min_apply_delay on s1 for the slow-apply cases (default 20)
  --no-install       never install PostgreSQL, only say how
  --help             this text

Environment: PG_BIN=/path/to/postgresql/bin picks the server programs; PG_LAB_TMPDIR the folder for
the temporary clusters.`;

export class UsageError extends Error {
  override readonly name = "UsageError";
}

function numberArg(flag: string, value: string | undefined, min: number, max: number): number {
  const n = Number(value);
  if (value === undefined || !Number.isFinite(n) || n < min || n > max) {
    throw new UsageError(`${flag}: ${JSON.stringify(value ?? null)} is not allowed; it must be a number from ${min} to ${max}`);
  }
  return n;
}

export function parseOptions(argv: string[]): LabOptions | "help" {
  let quick = false;
  let jsonFile: string | null = null;
  let install = true;
  let delayMs = 5;
  let applyDelayMs = 20;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    switch (arg) {
      case "--quick":
        quick = true;
        break;
      case "--json":
        jsonFile = argv[++i] ?? null;
        if (!jsonFile || jsonFile.startsWith("--")) throw new UsageError("--json: a file name must follow");
        break;
      case "--delay-ms":
        delayMs = numberArg(arg, argv[++i], 1, 200);
        break;
      case "--apply-delay-ms":
        applyDelayMs = numberArg(arg, argv[++i], 1, 1000);
        break;
      case "--no-install":
        install = false;
        break;
      case "--help":
      case "-h":
        return "help";
      default:
        throw new UsageError(`unknown option ${JSON.stringify(arg)}; allowed: --quick, --json FILE, --delay-ms N, --apply-delay-ms N, --no-install, --help`);
    }
  }
  return {
    quick,
    jsonFile,
    install,
    delayMs,
    applyDelayMs,
    commits: quick ? 150 : 1000,
    trials: quick ? 200 : 1000,
    lossWindowMs: quick ? 400 : 1000,
  };
}

/** Options of the lab, from a program (runPgLab) or the command line (`npm run pg-lab`), and the sizes of the quick and the full run. */

/** What a caller of runPgLab may set; everything has a default. */
export interface PgLabOptions {
  /** A short run (about a minute and a half) with fewer commits per setting. Default false. */
  quick?: boolean;
  /** Also write the results to this file (JSON). */
  jsonFile?: string | null;
  /** Install PostgreSQL with apt when it is missing and this process is root. Default true. */
  install?: boolean;
  /** One-way delay the proxy adds on s1's link in the delayed cases, ms. Default 5. */
  delayMs?: number;
  /** recovery_min_apply_delay on s1 in the slow-apply cases, ms. Default 20. */
  applyDelayMs?: number;
  /** Commits per latency case. Default 150 quick, 1000 full. */
  commits?: number;
  /** Commit-then-read trials per stale-read case. Default 200 quick, 1000 full. */
  trials?: number;
  /** How long writers run while s1 is cut off before the crash, ms. Default 400 quick, 1000 full. */
  lossWindowMs?: number;
  /**
   * How many times the failover whose s1 link is delayed and cut at the crash runs, each on a fresh
   * cluster (a crash loses only a handful of writes there). Default 6 quick, 12 full.
   */
  crashes?: number;
}

export type LabOptions = { [K in keyof PgLabOptions]-?: Exclude<PgLabOptions[K], undefined> };

/** Allowed ranges, shared by the checks of runPgLab's options and of the command line's. */
const RANGES = {
  delayMs: [1, 200],
  applyDelayMs: [1, 1000],
  commits: [20, 100_000],
  trials: [20, 100_000],
  lossWindowMs: [100, 60_000],
  crashes: [1, 50],
} as const satisfies Partial<Record<keyof PgLabOptions, readonly [number, number]>>;

const KEYS: readonly (keyof PgLabOptions)[] = ["quick", "jsonFile", "install", "delayMs", "applyDelayMs", "commits", "trials", "lossWindowMs", "crashes"];

/** An option that is not allowed: names it, its value and what is allowed. */
export class LabOptionError extends Error {
  override readonly name = "LabOptionError";
}

/** The options with their defaults filled in; throws LabOptionError on an unknown key or a value out of range. */
export function labOptions(input: PgLabOptions = {}): LabOptions {
  if (input === null || typeof input !== "object") throw new LabOptionError(`the lab's options must be an object, got ${JSON.stringify(input)}`);
  for (const key of Object.keys(input)) {
    if (!(KEYS as readonly string[]).includes(key)) throw new LabOptionError(`unknown option ${JSON.stringify(key)}; allowed: ${KEYS.join(", ")}`);
  }
  for (const key of ["quick", "install"] as const) {
    if (input[key] !== undefined && typeof input[key] !== "boolean") throw new LabOptionError(`${key}: ${JSON.stringify(input[key])} is not allowed; it must be true or false`);
  }
  if (input.jsonFile != null && (typeof input.jsonFile !== "string" || input.jsonFile === "")) {
    throw new LabOptionError(`jsonFile: ${JSON.stringify(input.jsonFile)} is not allowed; it must be a file name`);
  }
  const quick = input.quick ?? false;
  const defaults = { delayMs: 5, applyDelayMs: 20, commits: quick ? 150 : 1000, trials: quick ? 200 : 1000, lossWindowMs: quick ? 400 : 1000, crashes: quick ? 6 : 12 };
  const numbers = { ...defaults };
  for (const key of Object.keys(RANGES) as (keyof typeof RANGES)[]) {
    const value = input[key];
    if (value === undefined) continue;
    const [min, max] = RANGES[key];
    if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max) {
      throw new LabOptionError(`${key}: ${JSON.stringify(value)} is not allowed; it must be a number from ${min} to ${max}`);
    }
    numbers[key] = key === "commits" || key === "trials" || key === "crashes" ? Math.round(value) : value;
  }
  return { quick, jsonFile: input.jsonFile ?? null, install: input.install ?? true, ...numbers };
}

export const USAGE = `Usage: npm run pg-lab [-- options]

Runs a real PostgreSQL primary and two standbys on 127.0.0.1 and measures commit latency, the
standbys' own write, flush and replay steps, stale reads and lost acknowledged writes for each
synchronous_commit setting, then prints them beside the simulator's predictions.

  --quick            a short run (about a minute and a half) with fewer commits per setting
  --json FILE        write the results to FILE (read by notebooks/06-real-postgres.ipynb)
  --delay-ms N       one-way delay the proxy adds to standby s1's link (default 5)
  --apply-delay-ms N recovery_min_apply_delay on s1 for the slow-apply cases (default 20)
  --crashes N        how often the failover with s1's delayed link cut at the crash runs, each on a
                     fresh cluster, its counts added up (default 6 with --quick, else 12)
  --no-install       never install PostgreSQL, only say how
  --help             this text

Environment: PG_BIN=/path/to/postgresql/bin picks the server programs; PG_LAB_TMPDIR the folder for
the temporary clusters.`;

export class UsageError extends Error {
  override readonly name = "UsageError";
}

function numberArg(flag: string, key: keyof typeof RANGES, value: string | undefined): number {
  const n = Number(value);
  const [min, max] = RANGES[key];
  if (value === undefined || value.trim() === "" || !Number.isFinite(n) || n < min || n > max) {
    throw new UsageError(`${flag}: ${JSON.stringify(value ?? null)} is not allowed; it must be a number from ${min} to ${max}`);
  }
  return n;
}

export function parseOptions(argv: string[]): LabOptions | "help" {
  const options: PgLabOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    switch (arg) {
      case "--quick":
        options.quick = true;
        break;
      case "--json": {
        const file = argv[++i];
        if (!file || file.startsWith("--")) throw new UsageError("--json: a file name must follow");
        options.jsonFile = file;
        break;
      }
      case "--delay-ms":
        options.delayMs = numberArg(arg, "delayMs", argv[++i]);
        break;
      case "--apply-delay-ms":
        options.applyDelayMs = numberArg(arg, "applyDelayMs", argv[++i]);
        break;
      case "--crashes":
        options.crashes = numberArg(arg, "crashes", argv[++i]);
        break;
      case "--no-install":
        options.install = false;
        break;
      case "--help":
      case "-h":
        return "help";
      default:
        throw new UsageError(`unknown option ${JSON.stringify(arg)}; allowed: --quick, --json FILE, --delay-ms N, --apply-delay-ms N, --crashes N, --no-install, --help`);
    }
  }
  return labOptions(options);
}

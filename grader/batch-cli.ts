/**
 * Command line of batch grading:
 *   npm run grade:batch -- DIR --out grades.csv [--only 03,05] [--reports DIR] [--workers N] [--lanes N] [--chunk N] [--timeout-s N]
 * and the same options after `npm run grade -- --batch DIR`.
 */
import { availableParallelism } from "node:os";
import { consoleProgress } from "./batch-progress";
import { BatchInputError, BatchStoppedError, runBatch } from "./batch";
import { parseOnly } from "./engine/exercises";
import { runsAsScript } from "./project";
import { gradingWarnings } from "./sandbox/launch";

export interface BatchArgs {
  submissionsDir: string;
  outCsv: string;
  /** `--only`: the exercises to grade, as given ("03", "leader-election"); default all. */
  only?: string[];
  reportsDir?: string;
  workers?: number;
  lanes?: number;
  chunkSize?: number;
  timeoutMsPerSubmission?: number;
}

const USAGE =
  "usage: npm run grade -- --batch DIR --out grades.csv [--only 03[,05]] [--reports DIR] [--workers N] [--lanes N] [--chunk N] [--timeout-s N]\n" +
  "       npm run grade:batch -- DIR --out grades.csv [...]";

/**
 * Options of a single grading that mean nothing for a batch, and why: refused with the reason
 * rather than as unknown.
 */
const NOT_FOR_A_BATCH: Record<string, string> = {
  "--target": "--target grades one submission, and --batch DIR grades each folder or zip in DIR: give one or the other",
  "--public": "a batch grades for the record, hidden tests included; --public (public tests only) is a student's check of their own work",
  "--format": "a batch writes a CSV gradebook (--out) and one JSON report per submission; --format is for grading one submission (npm run grade -- --target DIR --format …)",
  "--reveal-hidden": "a batch's reports are for students and never show hidden cases; to see them for one submission: npm run grade -- --target DIR --reveal-hidden",
  "--validate": "--validate checks the exercise set against its solutions and known-wrong variants, not submissions: run it on its own",
};

/** Parses batch options; throws an Error that names the bad option, its value and what is allowed. */
export function parseBatchArgs(argv: readonly string[]): BatchArgs {
  const args: Partial<BatchArgs> = {};
  const value = (i: number, flag: string): string => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith("--")) throw new Error(`${flag} needs a value\n${USAGE}`);
    return v;
  };
  const positiveInt = (flag: string, text: string): number => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} must be a whole number of at least 1, got ${JSON.stringify(text)}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    switch (flag) {
      case "--batch":
        args.submissionsDir = value(i++, flag);
        break;
      case "--out":
        args.outCsv = value(i++, flag);
        break;
      case "--only":
        args.only = parseOnly(value(i++, flag));
        break;
      case "--reports":
        args.reportsDir = value(i++, flag);
        break;
      case "--workers":
        args.workers = positiveInt(flag, value(i++, flag));
        break;
      case "--lanes":
        args.lanes = positiveInt(flag, value(i++, flag));
        break;
      case "--chunk":
        args.chunkSize = positiveInt(flag, value(i++, flag));
        break;
      case "--timeout-s":
        args.timeoutMsPerSubmission = positiveInt(flag, value(i++, flag)) * 1000;
        break;
      default:
        if (Object.hasOwn(NOT_FOR_A_BATCH, flag)) throw new Error(`${flag} does not go with --batch: ${NOT_FOR_A_BATCH[flag]}\n${USAGE}`);
        if (flag.startsWith("--") || args.submissionsDir !== undefined) {
          throw new Error(`unknown batch option ${JSON.stringify(flag)}\n${USAGE}`);
        }
        args.submissionsDir = flag;
    }
  }
  if (args.submissionsDir === undefined) throw new Error(`no submissions folder given\n${USAGE}`);
  if (args.outCsv === undefined) throw new Error(`--out grades.csv is required\n${USAGE}`);
  if (!args.outCsv.toLowerCase().endsWith(".csv")) {
    throw new Error(`--out must name a .csv file, got ${JSON.stringify(args.outCsv)}`);
  }
  return args as BatchArgs;
}

/** Runs a batch from command-line arguments; returns the process exit code. */
export async function batchMain(argv: readonly string[]): Promise<number> {
  let args: BatchArgs;
  try {
    args = parseBatchArgs(argv);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 2;
  }
  for (const warning of gradingWarnings()) process.stderr.write(`warning: ${warning}\n`);
  let summary: Awaited<ReturnType<typeof runBatch>>;
  try {
    summary = await runBatch({
      ...args,
      workers: args.workers ?? availableParallelism(),
      progress: consoleProgress(process.stderr),
    });
  } catch (error) {
    if (error instanceof BatchStoppedError) {
      process.stderr.write(`${error.message}\n${error.cause.stack ?? ""}\n`);
      process.stdout.write(`Gradebook: ${error.csvPath} (the submissions not graded are error rows: grade them again)\n`);
      return 1;
    }
    if (!(error instanceof BatchInputError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return 2;
  }
  const only = summary.only ? ` (exercise${summary.only.length === 1 ? "" : "s"} ${summary.only.join(", ")} only: --only)` : "";
  process.stdout.write(`Gradebook: ${summary.csvPath}${only}\nReports:   ${summary.reportsDir}/\n`);
  // Submissions that could not be graded are in the gradebook; the batch itself succeeded.
  return 0;
}

if (runsAsScript(import.meta.url)) {
  batchMain(process.argv.slice(2)).then((code) => process.exit(code));
}

/**
 * The grader's command line:
 *
 *   npm run grade -- [--target exercises|solutions|PATH|ZIP] [--only 05,06] [--public]
 *                    [--format table|json|gradescope|prairielearn|junit|markdown|classroom|classroom-base64] [--out FILE]
 *   npm run grade -- --validate          the exercise set tells right from wrong (npm test runs it);
 *                                        --secrets N: the same under N secrets, every test's verdict stable
 *   npm run grade -- --batch DIR --out grades.csv [--only 05,06]   many submissions (grader/batch-cli.ts)
 *
 * A report is always produced: if grading itself fails, every test scores zero with the reason.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseArgs } from "node:util";
import { loadExercises, parseOnly, selectExercises, type Exercise } from "./engine/exercises";
import { DEFAULTS, gradeSubmissions } from "./engine/grade";
import { failedReport, type GradeReport } from "./engine/report";
import { FORMATS, formatReport, type Format } from "./format/index";
import type { GradescopeVisibility } from "./format/gradescope";
import { recordLatest } from "./latest";
import { loadSecret, ROOT, runsAsScript, SecretError } from "./project";
import { gradingWarnings, isolation, thisNodeEndOfLife } from "./sandbox/launch";
import { printable } from "./format/text";
import { openTarget } from "./target";
import { writeWhole } from "./write-whole";

const USAGE = `usage: npm run grade -- [--target exercises|solutions|PATH|ZIP] [--only 05[,06]] [--public]
                        [--format ${FORMATS.join("|")}] [--out FILE]
                        [--reveal-hidden] [--hidden-visibility after_published|after_due_date|hidden|visible]
                        [--exercise-timeout-s N] [--timeout-s N] [--workers N]
       npm run grade -- --validate [--only 05] [--secrets N [--secret-base TEXT]]
       npm run grade -- --batch DIR --out grades.csv [--only 05[,06]] [--workers N]
       npm run grade -- --isolation          what the sandbox enforces on this machine`;

class UsageError extends Error {}

function positive(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!(Number.isFinite(n) && n > 0)) throw new UsageError(`--${name} must be a positive number, got ${JSON.stringify(text)}`);
  return n;
}

export async function main(argv: string[]): Promise<number> {
  if (argv.includes("--batch")) {
    const { batchMain } = await import("./batch-cli");
    return batchMain(argv);
  }
  if (argv.includes("--validate")) {
    const { validateMain } = await import("./validate");
    return validateMain(argv.filter((a) => a !== "--validate"));
  }
  if (argv.includes("--isolation")) {
    const old = thisNodeEndOfLife();
    process.stdout.write(`${isolation().summary}\n${old ? `${old}.\n` : ""}`);
    return 0;
  }
  let values: ReturnType<typeof parse>;
  let limits: { exerciseTimeoutMs: number; timeoutMs: number; maxWorkers?: number };
  try {
    values = parse(argv);
    limits = {
      exerciseTimeoutMs: (positive("exercise-timeout-s", values["exercise-timeout-s"]) ?? DEFAULTS.exerciseTimeoutMs / 1000) * 1000,
      timeoutMs: (positive("timeout-s", values["timeout-s"]) ?? DEFAULTS.timeoutMs / 1000) * 1000,
      maxWorkers: positive("workers", values.workers),
    };
  } catch (error) {
    const usage = error instanceof UsageError || String((error as { code?: string }).code).startsWith("ERR_PARSE_ARGS");
    process.stderr.write(`${(error as Error).message}\n${usage ? USAGE : ""}\n`);
    return 2;
  }
  const target = values.target ?? "exercises";
  const format = (values.format ?? "table") as Format;
  const publicOnly = values.public ?? false;
  let exercises: Exercise[] = [];
  let report: GradeReport;
  let code = 0;
  try {
    exercises = selectExercises(loadExercises(ROOT), parseOnly(values.only) ?? []);
    // A zip or a whole repository is searched as an upload is; the files taken are said on stderr.
    const opened = await openTarget(resolve(target), target, exercises.map((e) => `${e.name}.ts`));
    if (opened.notes) process.stderr.write(`${printable(opened.notes)}\n`);
    const given = target.replace(/\/+$/, "");
    try {
      [report] = await gradeSubmissions(
        [
          {
            dir: opened.dir,
            // Messages name each file where it is in the zip or the repository (opened.display);
            // the replay commands and the report's target name what was given.
            display: opened.display ?? given,
            replayTarget: values["replay-target"] ?? (opened.display === undefined ? undefined : given),
            ...(givenIntake(values.intake) ?? { lookAlikes: opened.lookAlikes, refused: opened.refused, uploadedAs: opened.uploadedAs }),
          },
        ],
        {
          root: ROOT,
          exercises,
          publicOnly,
          secret: loadSecret(ROOT),
          revealHidden: values["reveal-hidden"] ?? false,
          ...limits,
        },
      );
      report = { ...report, target: given };
    } finally {
      opened.close();
    }
  } catch (error) {
    // A mistake in the command (an unknown exercise, a missing target) is not the grader failing.
    const message = (error as Error).message;
    const why = /^--(only|target)[: ]/.test(message) || error instanceof SecretError ? `nothing was graded: ${message}` : `the grader failed before it could score this: ${message}`;
    report = failedReport(exercises, target, why, publicOnly);
    code = 1;
  }
  for (const warning of gradingWarnings()) process.stderr.write(`warning: ${warning}\n`);
  // The notebook's progress() shows the latest results of the student's own folder.
  if (code === 0 && resolve(target) === resolve(ROOT, "exercises")) recordLatest(ROOT, report);
  const text = formatReport(report, format, { hiddenVisibility: values["hidden-visibility"] as GradescopeVisibility | undefined });
  if (values.out) {
    mkdirSync(dirname(resolve(values.out)), { recursive: true });
    writeWhole(values.out, text);
    process.stderr.write(`${report.score}/${report.maxScore} points; ${format} report written to ${values.out}\n`);
  } else process.stdout.write(text);
  return code;
}

/**
 * What `--intake FILE` gives, written by the intake that staged the folder graded
 * (platforms/grade-upload.ts): `lookAlikes`, exercise name -> files of the upload that look like
 * its file; `refused`, exercise name -> why the upload's file of that name was not taken; and,
 * optionally, `uploadedAs`, exercise name -> the upload's file staged for it; all as the upload's
 * notes show them.
 */
function givenIntake(path: string | undefined): { lookAlikes: Record<string, string[]>; refused: Record<string, string>; uploadedAs?: Record<string, string> } | undefined {
  if (path === undefined) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new Error(`--intake ${path}: ${(error as Error).message}`);
  }
  const record = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
  const { lookAlikes, refused, uploadedAs } = record(data) ? data : { lookAlikes: undefined, refused: undefined, uploadedAs: undefined };
  const strings = (v: unknown) => record(v) && Object.values(v).every((s) => typeof s === "string");
  const valid =
    record(lookAlikes) &&
    Object.values(lookAlikes).every((files) => Array.isArray(files) && files.every((f) => typeof f === "string")) &&
    strings(refused) &&
    (uploadedAs === undefined || strings(uploadedAs));
  if (!valid) throw new Error(`--intake ${path}: not { lookAlikes: exercise -> files that look like its file, refused: exercise -> why its file was not taken, uploadedAs?: exercise -> its file in the upload }`);
  return { lookAlikes: lookAlikes as Record<string, string[]>, refused: refused as Record<string, string>, ...(uploadedAs ? { uploadedAs: uploadedAs as Record<string, string> } : {}) };
}

function parse(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      target: { type: "string" },
      // What the report's replay commands name with --target, when the folder graded is a scratch
      // copy of a submission (a batch grading one submission alone names the submission so).
      "replay-target": { type: "string" },
      // What the intake found in the upload a scratch folder was taken from (platforms/grade-upload.ts).
      intake: { type: "string" },
      only: { type: "string" },
      public: { type: "boolean" },
      format: { type: "string" },
      out: { type: "string" },
      "reveal-hidden": { type: "boolean" },
      "hidden-visibility": { type: "string" },
      "exercise-timeout-s": { type: "string" },
      "timeout-s": { type: "string" },
      workers: { type: "string" },
    },
    strict: true,
    allowPositionals: true,
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  if (values.format !== undefined && !(FORMATS as readonly string[]).includes(values.format)) {
    throw new UsageError(`--format ${values.format}: unknown format; use one of ${FORMATS.join(", ")}`);
  }
  const vis = values["hidden-visibility"];
  if (vis !== undefined && !["hidden", "after_due_date", "after_published", "visible"].includes(vis)) {
    throw new UsageError(`--hidden-visibility ${vis}: use hidden, after_due_date, after_published or visible`);
  }
  return values;
}

if (runsAsScript(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      process.stderr.write(`${(error as Error).stack ?? error}\n`);
      process.exit(1);
    },
  );
}

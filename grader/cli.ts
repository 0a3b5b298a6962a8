/**
 * The grader's command line:
 *
 *   npm run grade -- [--target exercises|solutions|PATH] [--only 05,06] [--public]
 *                    [--format table|json|gradescope|prairielearn|junit|markdown|classroom|classroom-base64] [--out FILE]
 *   npm run grade -- --validate          the exercise set tells right from wrong (npm test runs it)
 *   npm run grade -- --batch DIR --out grades.csv    many submissions (grader/batch-cli.ts)
 *
 * A report is always produced: if grading itself fails, every test scores zero with the reason.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { loadExercises, selectExercises, type Exercise } from "./engine/exercises";
import { DEFAULTS, gradeSubmissions } from "./engine/grade";
import { roundScore, type GradeReport } from "./engine/report";
import { FORMATS, formatReport, type Format } from "./format/index";
import type { GradescopeVisibility } from "./format/gradescope";

export const ROOT = resolve(fileURLToPath(new URL(".", import.meta.url)), "..");

const USAGE = `usage: npm run grade -- [--target exercises|solutions|PATH] [--only 05[,06]] [--public]
                        [--format ${FORMATS.join("|")}] [--out FILE]
                        [--reveal-hidden] [--hidden-visibility after_published|after_due_date|hidden|visible]
                        [--exercise-timeout-s N] [--timeout-s N] [--workers N]
       npm run grade -- --validate
       npm run grade -- --batch DIR --out grades.csv [--workers N]`;

class UsageError extends Error {}

/** The grading secret: RL_GRADER_SECRET, else grader/.secret, else none (random hidden seeds). */
export function loadSecret(root: string): string | undefined {
  const fromEnv = process.env.RL_GRADER_SECRET?.trim();
  if (fromEnv) return fromEnv;
  const file = join(root, "grader", ".secret");
  if (existsSync(file)) return readFileSync(file, "utf8").trim() || undefined;
  return undefined;
}

/** A report in which every test failed for `reason`: what is printed when grading itself fails. */
export function failedReport(exercises: Exercise[], target: string, reason: string, publicOnly: boolean): GradeReport {
  const list = exercises.map((e) => {
    const tests = e.tests
      .filter((t) => !(publicOnly && t.visibility === "hidden"))
      .map((t) => ({ name: t.name, status: "failed" as const, score: 0, maxScore: t.points, message: reason, visibility: t.visibility }));
    return { id: e.id, name: e.name, title: e.meta.title, score: 0, maxScore: roundScore(tests.reduce((s, t) => s + t.maxScore, 0)), file: `${target}/${e.name}.ts`, problem: reason, incomplete: reason, tests };
  });
  return { score: 0, maxScore: roundScore(list.reduce((s, e) => s + e.maxScore, 0)), exercises: list, target, publicOnly, hiddenSeeds: "not run", durationMs: 0, error: reason };
}

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
    exercises = selectExercises(loadExercises(ROOT), (values.only ?? "").split(",").map((s) => s.trim()).filter(Boolean));
    const dir = resolve(target);
    if (!existsSync(dir)) throw new Error(`--target ${target}: no such folder`);
    [report] = await gradeSubmissions([{ dir, display: target.replace(/\/+$/, "") }], {
      root: ROOT,
      exercises,
      publicOnly,
      secret: loadSecret(ROOT),
      revealHidden: values["reveal-hidden"] ?? false,
      ...limits,
    });
  } catch (error) {
    report = failedReport(exercises, target, `the grader failed before it could score this: ${(error as Error).message}`, publicOnly);
    code = 1;
  }
  const text = formatReport(report, format, { hiddenVisibility: values["hidden-visibility"] as GradescopeVisibility | undefined });
  if (values.out) {
    mkdirSync(dirname(resolve(values.out)), { recursive: true });
    writeFileSync(values.out, text);
    process.stderr.write(`${report.score}/${report.maxScore} points; ${format} report written to ${values.out}\n`);
  } else process.stdout.write(text);
  return code;
}

function parse(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      target: { type: "string" },
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

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      process.stderr.write(`${(error as Error).stack ?? error}\n`);
      process.exit(1);
    },
  );
}

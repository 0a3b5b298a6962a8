/**
 * Reruns one graded case against your exercise file and prints everything about it:
 *
 *   npm run replay -- 05 --seed 81723                 every seeded test of 05, on that one seed
 *   npm run replay -- 05 --case "equal logs and priorities"
 *   npm run replay -- 05 --seed 81723 --target solutions [--test "random clusters"]
 *
 * Feedback from `npm run grade` and `check()` ends with the command for its first failing case.
 */
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { ROOT } from "./cli";
import { loadExercises, selectExercises } from "./engine/exercises";
import { gradeSubmissions } from "./engine/grade";
import type { CaseResult, TestReport } from "./engine/report";
import { compact } from "./engine/score";

const USAGE = 'usage: npm run replay -- NN (--seed N | --case "label") [--target exercises|solutions|PATH] [--test "part of a test name"]';

function describe(c: CaseResult): string[] {
  const lines = [`  ${c.ok ? "✔ passes" : "✘ FAILS"}  ${c.case}`];
  if (c.error) lines.push(`      threw ${c.error.name}: ${c.error.message}`);
  if (c.rule) lines.push(`      rule broken: ${c.rule}${c.details ? ` (${c.details})` : ""}`);
  if (c.got !== undefined) lines.push(`      got:  ${compact(c.got, 2000)}`);
  if (c.want !== undefined) lines.push(`      want: ${compact(c.want, 2000)}`);
  if (c.involved !== undefined) lines.push(`      involved: ${compact(c.involved, 4000)}`);
  for (const [label, value] of Object.entries(c.recorded ?? {})) lines.push(`      ${label}: ${compact(value, 4000)}`);
  return lines;
}

function parse(argv: string[]) {
  return parseArgs({
      args: argv,
    options: { seed: { type: "string" }, case: { type: "string" }, target: { type: "string" }, test: { type: "string" } },
    allowPositionals: true,
    strict: true,
  });
}

export async function replayMain(argv: string[]): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
    if (args.positionals.length !== 1) throw new Error("give exactly one exercise, e.g. 05");
    if ((args.values.seed === undefined) === (args.values.case === undefined)) throw new Error("give either --seed N or --case \"label\"");
    if (args.values.seed !== undefined && !/^\d+$/.test(args.values.seed)) throw new Error(`--seed must be a whole number, got ${JSON.stringify(args.values.seed)}`);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const exercises = selectExercises(loadExercises(ROOT), [args.positionals[0]]);
  const target = args.values.target ?? "exercises";
  const [report] = await gradeSubmissions([{ dir: resolve(target), display: target }], {
    root: ROOT,
    exercises,
    revealHidden: true,
    replay: { seed: args.values.seed === undefined ? undefined : Number(args.values.seed), label: args.values.case },
    onLog: (stream, text) => (stream === "stderr" ? process.stderr : process.stdout).write(`  | ${text.trimEnd().split("\n").join("\n  | ")}\n`),
  });
  const exercise = report.exercises[0];
  const what = args.values.seed !== undefined ? `seed ${args.values.seed}` : `case ${JSON.stringify(args.values.case)}`;
  process.stdout.write(`Replaying ${exercise.id} ${exercise.title}, ${what}, against ${exercise.file}\n`);
  if (exercise.problem) {
    process.stdout.write(`${exercise.problem}\n`);
    return 1;
  }
  const wanted = (t: TestReport) => args.values.test === undefined || t.name.includes(args.values.test);
  const stub = exercise.tests.find((t) => t.notImplemented);
  if (stub) {
    process.stdout.write(`${stub.message}\n`);
    return 1;
  }
  const ran = exercise.tests.filter((t) => wanted(t) && (t.replayed?.length ?? 0) > 0);
  if (ran.length === 0) {
    const others = exercise.tests.filter((t) => t.status !== "passed" && wanted(t));
    process.stdout.write(`No test of ${exercise.id} has ${what}.${others.length ? ` Other results: ${others.map((t) => `${t.name}: ${t.message}`).join("; ")}` : ""}\n`);
    return 1;
  }
  let failed = 0;
  for (const t of ran) {
    process.stdout.write(`\n${t.name}\n`);
    for (const c of t.replayed ?? []) {
      if (!c.ok) failed++;
      process.stdout.write(`${describe(c).join("\n")}\n`);
    }
  }
  process.stdout.write(`\n${failed === 0 ? "This case passes now." : `${failed} failing case(s).`}\n`);
  return failed === 0 ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  replayMain(process.argv.slice(2)).then((code) => process.exit(code));
}

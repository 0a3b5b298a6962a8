/**
 * Reruns one graded case against your exercise file and prints everything about it:
 *
 *   npm run replay -- 05 --seed 81723                 every seeded test of 05, on that one seed
 *   npm run replay -- 05 --seed 81723 --test "random clusters"   only the test the seed came from
 *   npm run replay -- 05 --case "equal logs and priorities"
 *   npm run replay -- 05 --seed 81723 --target solutions
 *   npm run replay -- 05 --seed 81723 --target submissions/alice.zip   a batch's submission (a zip, or a
 *                                                       folder in any layout), as its report names it
 *   npm run replay -- 01 --seed 81723 --draw case.svg   also draws the first failing case as a
 *                                                       space-time diagram (.svg, .png, .html, or
 *                                                       .json for the data), when its failure
 *                                                       names operations of a simulated run
 *
 * Feedback from `npm run grade` and `check()` ends with the command for its first failing case.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, extname, resolve } from "node:path";
import { parseArgs } from "node:util";
import { parseFocused, violationDiagram } from "../lib/charts/focus";
import { saveChart } from "../lib/charts/save";
import type { ReplayRequest } from "./api";
import { loadExercises, selectExercises } from "./engine/exercises";
import { gradeSubmissions, type Warm } from "./engine/grade";
import type { CaseResult, ExerciseReport, TestReport } from "./engine/report";
import { ROOT, runsAsScript } from "./project";
import { compact } from "./engine/score";
import { printable } from "./format/text";
import { openTarget } from "./target";

const USAGE = 'usage: npm run replay -- NN (--seed N | --case "label") [--target exercises|solutions|PATH|ZIP] [--test "part of a test name"] [--draw FILE.svg|.png|.html|.json]';
const DRAW_EXTENSIONS = [".svg", ".png", ".html", ".json"];

function describe(c: CaseResult): string[] {
  const lines = [`  ${c.ok ? "✔ passes" : "✘ FAILS"}  ${c.case}${c.ownCase ? " (a case of this test)" : ""}`];
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
    options: { seed: { type: "string" }, case: { type: "string" }, target: { type: "string" }, test: { type: "string" }, draw: { type: "string" } },
    allowPositionals: true,
    strict: true,
  });
}

export interface ReplayOutcome {
  /** What the replay command prints (the cases with their inputs and verdicts). */
  text: string;
  /** 0 when every case replayed passes, 1 when one fails or none ran. */
  code: number;
  exercise?: ExerciseReport;
  /** The tests that ran the case. */
  ran: TestReport[];
}

/** Reruns one case (a seed or a hand-written case's label) against a folder and describes it. */
export async function replayCase(r: ReplayRequest, options: { root?: string; warm?: Warm; onLog?: (text: string) => void } = {}): Promise<ReplayOutcome> {
  const root = options.root ?? ROOT;
  const exercises = selectExercises(loadExercises(root), [r.exercise]);
  const target = r.target ?? "exercises";
  const named = r.test === undefined ? undefined : testNamed(exercises[0].tests.map((t) => t.name), r.test);
  if (named?.none) return { text: named.none, code: 1, ran: [] };
  // A batch's submission (a zip, a repository) is searched as the batch searched it.
  const opened = await openTarget(resolve(root, target), target, exercises.map((e) => `${e.name}.ts`));
  let report;
  try {
    // As npm run grade names them: each file where it is in a zip or a repository, replays the target given.
    const submission = { dir: opened.dir, display: opened.display ?? target, replayTarget: target, lookAlikes: opened.lookAlikes, refused: opened.refused, uploadedAs: opened.uploadedAs };
    [report] = await gradeSubmissions([submission], {
      root,
      exercises,
      revealHidden: true,
      typeCheck: false,
      replay: { seed: r.seed, label: r.label, draw: r.draw ?? false },
      // One test named: only it runs, so the seed's cases in the exercise's other tests (each test
      // draws its own seeds) are neither run nor shown.
      ...(named?.only !== undefined ? { onlyTest: named.only } : {}),
      onLog: options.onLog,
      warm: options.warm,
    });
  } finally {
    opened.close();
  }
  const exercise = report.exercises[0];
  const what = r.seed !== undefined ? `seed ${r.seed}` : `case ${JSON.stringify(r.label)}`;
  const lines = [`Replaying ${exercise.id} ${exercise.title}, ${what}, against ${exercise.file}`];
  if (opened.notes) lines.push(opened.notes);
  const done = (code: number, ran: TestReport[] = []): ReplayOutcome => ({ text: lines.join("\n"), code, exercise, ran });
  if (exercise.problem) {
    lines.push(exercise.problem);
    return done(1);
  }
  const wanted = (t: TestReport) => r.test === undefined || t.name.includes(r.test);
  const stub = exercise.tests.find((t) => t.notImplemented);
  if (stub) {
    lines.push(stub.message);
    return done(1);
  }
  const ran = exercise.tests.filter((t) => wanted(t) && (t.replayed?.length ?? 0) > 0);
  if (ran.length === 0) {
    const others = exercise.tests.filter((t) => t.status !== "passed" && wanted(t));
    lines.push(`No test of ${exercise.id} has ${what}.${others.length ? ` Other results: ${others.map((t) => `${t.name}: ${t.message}`).join("; ")}` : ""}`);
    return done(1);
  }
  let failed = 0;
  for (const t of ran) {
    lines.push("", t.name);
    for (const c of t.replayed ?? []) {
      if (!c.ok) failed++;
      lines.push(...describe(c));
    }
  }
  if (named?.only !== undefined) {
    const notRun = exercise.tests.filter((t) => t.name !== named.only && t.replayed === undefined).length;
    lines.push("", `Only this test ran (--test); ${notRun} other test${notRun === 1 ? "" : "s"} of ${exercise.id} did not.`);
  }
  lines.push("", failed === 0 ? "This case passes now." : `${failed} failing case(s).`);
  return done(failed === 0 ? 0 : 1, ran);
}

/**
 * The test `--test` names among an exercise's `tests`: the one of exactly that name, else the one
 * whose name contains it; none when several contain it (all of those run, the rest are not
 * shown), and a message when none does.
 */
export function testNamed(tests: string[], part: string): { only?: string; none?: string } {
  if (tests.includes(part)) return { only: part };
  const matching = tests.filter((name) => name.includes(part));
  if (matching.length === 1) return { only: matching[0] };
  if (matching.length > 1) return {};
  return { none: `No test's name contains ${JSON.stringify(part)}. The exercise's tests: ${tests.map((t) => JSON.stringify(t)).join(", ")}.` };
}

/**
 * What the replayed code printed, as the terminal shows it: each line after "  | ", control
 * characters as "\ufffd". An instructor replays a batch's submission from its report, and a
 * terminal escape the code printed could retitle the window, redraw the screen or set the
 * clipboard (OSC 52).
 */
export function printedByCode(text: string): string {
  return `  | ${printable(text.trimEnd()).split("\n").join("\n  | ")}\n`;
}

export async function replayMain(argv: string[]): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
    if (args.positionals.length !== 1) throw new Error("give exactly one exercise, e.g. 05");
    if ((args.values.seed === undefined) === (args.values.case === undefined)) throw new Error("give either --seed N or --case \"label\"");
    if (args.values.seed !== undefined && !/^\d+$/.test(args.values.seed)) throw new Error(`--seed must be a whole number, got ${JSON.stringify(args.values.seed)}`);
    const draw = args.values.draw;
    if (draw !== undefined && !DRAW_EXTENSIONS.includes(extname(draw).toLowerCase())) {
      throw new Error(`--draw ${JSON.stringify(draw)}: the file name must end in ${DRAW_EXTENSIONS.join(", ")}`);
    }
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  let outcome: ReplayOutcome;
  // What the code printed comes while the case runs, before its verdict is known: kept, and shown
  // after the verdict under a heading of its own.
  const printed: string[] = [];
  try {
    outcome = await replayCase(
      {
        exercise: args.positionals[0],
        seed: args.values.seed === undefined ? undefined : Number(args.values.seed),
        label: args.values.case,
        target: args.values.target,
        test: args.values.test,
        draw: args.values.draw !== undefined,
      },
      { onLog: (text) => printed.push(text) },
    );
  } catch (error) {
    // A target that holds nothing to replay (no such folder, an unreadable zip): its message, no stack.
    if (!(error as Error).message.startsWith("--target ")) throw error;
    process.stderr.write(`${(error as Error).message}\n`);
    return 2;
  }
  process.stdout.write(`${printable(outcome.text)}\n`);
  if (printed.length > 0) process.stdout.write(`\nPrinted by your code while the case ran (not graded):\n${printedByCode(printed.join("\n"))}`);
  if (args.values.draw !== undefined && outcome.ran.length > 0) {
    const found = firstDrawing(outcome.exercise!.id, outcome.ran);
    process.stdout.write(`${"drawn" in found ? await saveDrawing(found.drawn, found.of, args.values.draw) : found.why}\n`);
  }
  return outcome.code;
}

/** What the drawing file holds when it is .json: enough to redraw the case anywhere. */
export interface DrawnCase {
  exercise: string;
  test: string;
  case: string;
  /** A FocusedRun (lib/charts/focus.ts). */
  focused: unknown;
}

/** The first failing case that can be drawn (those of the test the seed came from first), or why there is none. */
export function firstDrawing(exerciseId: string, ran: TestReport[]): { drawn: DrawnCase; of: number } | { why: string } {
  const failing = ran
    .flatMap((t) => (t.replayed ?? []).filter((c) => !c.ok).map((c) => ({ test: t, c })))
    .sort((a, b) => Number(b.c.ownCase ?? false) - Number(a.c.ownCase ?? false));
  if (failing.length === 0) return { why: "Nothing to draw: no case failed." };
  const found = failing.find(({ c }) => c.diagram && !(c.diagram as { error?: string }).error);
  if (!found) {
    const broken = failing.find(({ c }) => (c.diagram as { error?: string } | undefined)?.error);
    if (broken) return { why: `Could not draw the case: ${(broken.c.diagram as { error: string }).error}` };
    return {
      why:
        "This failure cannot be drawn as a space-time diagram: it does not come down to a few operations of a " +
        "simulated run (it is about totals over a run, or the exercise's cases are not simulated runs). The details above say what broke.",
    };
  }
  return { drawn: { exercise: exerciseId, test: found.test.name, case: found.c.case, focused: found.c.diagram }, of: failing.length };
}

/** Writes a drawn case to `file` (.json: the data; .svg, .png, .html: the diagram) and says what it did. */
async function saveDrawing(drawn: DrawnCase, failing: number, file: string): Promise<string> {
  const focused = parseFocused(drawn.focused);
  const target = resolve(file);
  mkdirSync(dirname(target), { recursive: true });
  if (extname(file).toLowerCase() === ".json") writeFileSync(target, `${JSON.stringify(drawn, null, 2)}\n`);
  else await saveChart(violationDiagram(focused), target);
  const more = failing > 1 ? ` (the first of ${failing} failing cases)` : "";
  return `Drew ${drawn.case} of "${drawn.test}"${more} to ${target}: ${focused.source.history.ops.length} operations around the violation.`;
}

if (runsAsScript(import.meta.url)) {
  replayMain(process.argv.slice(2)).then((code) => process.exit(code));
}

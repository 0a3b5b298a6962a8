/**
 * From what the test runner reported to points, per the manifest.
 *
 * Only the manifest (read from the pristine test files) says which tests exist and what they are
 * worth; a test the runner did not report is failed. A passing test earns its points; a failing
 * one earns the share of its cases that passed (when it counted cases) and nothing otherwise.
 * Feedback is built here, so hidden tests never show their seeds or inputs.
 */
import type { CaseRecord, GradedMeta } from "../graded";
import { printable } from "../format/text";
import { DEFAULT_TIMEOUT_MS } from "../graded-defaults";
import type { Exercise, ManifestTest } from "./exercises";
import { PRINTED_CHARS_MAX, PRINTED_LINES_MAX } from "../sandbox/printed";
import { roundScore, type ExerciseReport, type Printed, type TestReport } from "./report";
import type { SerializedError, TestEvent } from "./run-vitest";

/** What happened to one exercise of one submission. */
export type ExerciseOutcome =
  | { kind: "problem"; message: string }
  | {
      kind: "ran";
      tests: Map<string, TestEvent>;
      moduleErrors: SerializedError[];
      /** Set when the whole module was stopped (e.g. the submission's time limit). */
      stopped?: string;
      /** The first lines the exercise's code printed (kept only when public tests alone ran). */
      printed?: Printed;
    };

export interface ScoreContext {
  /** How the student's file is shown, e.g. "exercises/05-leader-election.ts", or as uploaded ("hw/lab/05-leader-election.ts"). */
  file: string;
  /**
   * Staged file name ("05-leader-election.ts") -> how messages name it: a staged or compiled path
   * of that file in a message (a stack frame) is shown so, before the rest of the staged folder is
   * shown as `displayDir`.
   */
  shownFiles?: Record<string, string>;
  /** Hidden tests get full feedback (for instructors). */
  revealHidden: boolean;
  /** Strings that must never appear in feedback (the secret and keys derived from it). */
  redact: string[];
  /** Staging path prefix to replace by the student's folder in messages. */
  stagePath: string;
  /** Folder of the compiled files (`NN-name.mjs`), shown as the student's sources in messages. */
  buildPath?: string;
  displayDir: string;
  /** What replay commands name with `--target` (default: displayDir): a batch's submission, a folder or zip. */
  replayTarget?: string;
  /**
   * Show what the exercise's code printed: only when public tests alone ran (a check). Code that
   * sees hidden inputs could print them, so a grading with hidden tests never shows it.
   */
  showPrinted?: boolean;
  /** Files beside the exercise's file that look like copies of it, named when the file is an untouched stub. */
  copies?: string[];
}

/**
 * Names a hidden test's failure may show: the grader's own. Any other name came from student code,
 * which chose it while it saw the hidden inputs.
 */
const GRADER_ERRORS = new Set(["AssertionError"]);

/** An error's name as a hidden test may show it. */
const hiddenErrorName = (error: SerializedError | undefined): string => (error && GRADER_ERRORS.has(error.name) ? error.name : "an error");

/** Whether the test's details stay hidden from this report's reader. */
const isHidden = (t: ManifestTest, ctx: ScoreContext): boolean => t.visibility === "hidden" && !ctx.revealHidden;

/** The exercise's file could not be loaded in its sandbox: every case of every test failed with this. */
function loadFailure(tests: ManifestTest[], outcome: ExerciseOutcome): string | undefined {
  if (outcome.kind !== "ran" || tests.length === 0) return undefined;
  const firsts = tests.map((t) => outcome.tests.get(t.name)?.meta?.failures[0]?.error);
  const message = firsts[0]?.message;
  const isLoad = (m: string | undefined) => m !== undefined && /^(the exercise failed to load|loading the exercise never finished)/.test(m);
  return isLoad(message) && firsts.every((e) => e?.stopped === "sandbox" && e.message === message) ? message : undefined;
}

export function scoreExercise(exercise: Exercise, tests: ManifestTest[], outcome: ExerciseOutcome, ctx: ScoreContext): ExerciseReport {
  // Kept before a file that failed to load becomes a problem: what it printed first may say why.
  const printed = ctx.showPrinted && outcome.kind === "ran" ? outcome.printed : undefined;
  const notLoaded = loadFailure(tests, outcome);
  if (notLoaded) outcome = { kind: "problem", message: notLoaded };
  const reports = tests.map((t) => scoreTest(exercise, t, outcome, ctx));
  const score = roundScore(reports.reduce((s, r) => s + r.score, 0));
  const maxScore = roundScore(tests.reduce((s, t) => s + t.points, 0));
  const listed = new Set(exercise.tests.map((t) => t.name));
  const unlisted = outcome.kind === "ran" ? [...outcome.tests.keys()].filter((name) => !listed.has(name)) : [];
  return {
    id: exercise.id,
    name: exercise.name,
    title: exercise.meta.title,
    score,
    maxScore,
    file: ctx.file,
    ...(outcome.kind === "problem" ? { problem: clean(outcome.message, ctx) } : {}),
    ...(outcome.kind === "ran" && outcome.stopped ? { incomplete: clean(outcome.stopped, ctx) } : {}),
    tests: reports,
    ...(unlisted.length > 0 ? { unlisted } : {}),
    ...(printed ? { printed: cleanPrinted(printed, ctx) } : {}),
  };
}

/**
 * What the code printed, cleaned like every other feedback (paths, secrets, control characters),
 * and held to its bounds again: the report's text is the scorer's, whatever the metadata said.
 */
function cleanPrinted(printed: Printed, ctx: ScoreContext): Printed {
  const count = (n: unknown) => (typeof n === "number" && Number.isInteger(n) && n >= 0 ? n : 0);
  const text = clean(String(printed.text), ctx);
  const lines = text.split("\n");
  const kept = lines.slice(0, PRINTED_LINES_MAX).join("\n").slice(0, PRINTED_CHARS_MAX);
  const cut = text.length - kept.length;
  return { text: kept, moreLines: count(printed.moreLines) + Math.max(0, lines.length - PRINTED_LINES_MAX), moreChars: count(printed.moreChars) + cut };
}

function scoreTest(exercise: Exercise, t: ManifestTest, outcome: ExerciseOutcome, ctx: ScoreContext): TestReport {
  const report = scoreTestOutcome(exercise, t, outcome, ctx);
  // Notes for a human grader (a student's written reasons) travel with the result, scored or not.
  // A hidden test's notes are shown only with its details (revealHidden): they could be written from hidden inputs.
  const notes = outcome.kind === "problem" || isHidden(t, ctx) ? undefined : outcome.tests.get(t.name)?.meta?.notes;
  if (notes && notes.length > 0) {
    report.message = `${report.message}\nFor the human grader:\n${notes.map((n) => `- ${n.label}: ${n.text}`).join("\n")}`;
  }
  return report;
}

function scoreTestOutcome(exercise: Exercise, t: ManifestTest, outcome: ExerciseOutcome, ctx: ScoreContext): TestReport {
  const base = { name: t.name, maxScore: t.points, visibility: t.visibility };
  const failed = (message: string, extra: Partial<TestReport> = {}): TestReport => ({ ...base, status: "failed", score: 0, message: clean(message, ctx), ...extra });
  if (outcome.kind === "problem") return failed(outcome.message);
  const event = outcome.tests.get(t.name);
  if (!event) {
    if (outcome.stopped) return failed(outcome.stopped);
    const loadError = outcome.moduleErrors[0];
    if (loadError) return failed(`the exercise failed to load: ${describeError(loadError, ctx)}`);
    return failed("this test did not run (it was missing, skipped or renamed), so it counts as failed");
  }
  if (event.state === "skipped" || event.state === "pending") return failed("this test was skipped, so it counts as failed");

  const meta = event.meta;
  const hidden = isHidden(t, ctx);
  const replayed = meta?.cases ? { replayed: meta.cases.map((c) => cleanRecord(c, ctx)) } : {};
  const cases = meta && meta.total > 0 ? { passed: meta.passed, total: meta.total } : undefined;
  if (event.state === "passed") {
    if (!meta || meta.fraction !== 1) return failed("the test passed without a graded result, so it counts as failed");
    return { ...base, status: "passed", score: t.points, message: cases ? `all ${cases.total} cases passed` : "passed", ...(cases ? { cases } : {}), ...replayed };
  }

  // Not run: an earlier test of this check stopped the code (public tests only, graded.ts).
  if (meta?.notRun) return { ...failed(meta.notRun), notRun: true };
  const fraction = meta && Number.isFinite(meta.fraction) && meta.fraction >= 0 && meta.fraction < 1 ? meta.fraction : 0;
  const score = roundScore(t.points * fraction);
  const status = score > 0 ? "partial" : "failed";
  const error = event.errors[0];
  if (meta?.notImplemented) {
    const copies = ctx.copies?.length ? `; ${ctx.copies.slice(0, 3).map((f) => `'${f}'`).join(", ")} ${ctx.copies.length === 1 ? "is" : "are"} there too, but only ${ctx.file} is graded: move your work into it` : "";
    // The stub's message is text in the student's file, thrown where it saw the inputs: a hidden
    // test says in its own words that the function still throws.
    const said = hidden ? "not implemented yet: the function still throws NotImplementedError (the public tests show its message)" : meta.notImplemented;
    return { ...base, status, score, message: clean(said + copies, ctx), notImplemented: true, ...(cases ? { cases } : {}) };
  }
  if (error && error.name === "TestTimeoutError") {
    return { ...base, status, score, message: `took longer than its ${t.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms limit (a promise that never settles, or a very slow loop?)` };
  }
  if (meta && meta.failures.length === 0) {
    // Every case passed, yet the test failed: something else broke it (a hook, a patched built-in).
    const why = !error ? "failed after its cases passed" : hidden ? `failed after its cases passed (${hiddenErrorName(error)}; hidden cases show no details)` : describeError(error, ctx);
    return { ...base, status: "failed", score: 0, message: why };
  }
  if (hidden) {
    // What stopped the student's code (out of time, out of memory) is the grader's own wording
    // and says nothing about the hidden inputs; everything else about a hidden case stays hidden.
    // Told apart by the grader's mark, never by the error's name, which student code chooses.
    const stopped = meta?.failures.find((f) => f.error?.stopped !== undefined)?.error?.message;
    const message = cases
      ? `${cases.passed} of ${cases.total} hidden cases passed (hidden cases show no details; the public tests check the same rules)${stopped ? `. In a hidden case, ${hiddenStop(stopped)}` : ""}`
      : `failed on hidden cases (${hiddenErrorName(error)}; hidden cases show no details)`;
    return { ...base, status, score, message, ...(cases ? { cases } : {}) };
  }
  if (meta && meta.failures.length > 0 && !(meta.failures[0].case === "the test" && meta.total === 1)) {
    const failures = meta.failures.map((f) => cleanRecord(f, ctx));
    const replay = replayCommand(exercise.id, failures[0], ctx.replayTarget ?? ctx.displayDir, t.name);
    // Cases skipped after one ran out of time are failed, but were never judged: said apart.
    const skipped = Number.isInteger(meta.skipped) && meta.skipped! > 0 ? ` (${meta.skipped} of them not run: an earlier case stopped the code)` : "";
    const lines = [`${meta.total - meta.passed} of ${meta.total} cases failed${skipped}.`, ...failures.slice(0, 2).map((f) => describeCase(f))];
    if (replay) lines.push(`Replay the first: ${replay}${failures[0].drawable ? " (add --draw case.svg to draw it)" : ""}`);
    return { ...base, status, score, message: clean(lines.join("\n"), ctx), ...(cases ? { cases } : {}), failures, ...(replay ? { replay } : {}), ...replayed };
  }
  return { ...base, status, score, message: error ? describeError(error, ctx) : "failed" };
}

/**
 * How a hidden case stopped the code, in the grader's own words only. The exit code and the
 * signal are the student's to choose (`process.exit(n)` while looking at the hidden inputs): shown,
 * they would carry eight bits of a hidden case into the feedback of every hidden test.
 */
export function hiddenStop(message: string): string {
  return message.replace(/\bexited with code -?\d+/g, "exited").replace(/\bstopped by SIG[A-Z0-9+-]+/g, "stopped by a signal");
}

/**
 * One failing case as a student reads it: the case and the rule it broke on the first line, what
 * happened, then the inputs involved one per line, as prose (sentences stay sentences; values
 * are written `{name: "A", alive: false}`, never as escaped JSON).
 */
export function describeCase(f: CaseRecord): string {
  if (f.error) return `${f.case}: threw ${f.error.name}: ${f.error.message}`;
  const lines = [`${f.case}: ${f.rule ?? "failed"}${f.details ? ` (${f.details})` : ""}`];
  if (f.got !== undefined || f.want !== undefined) {
    lines.push(`  ${[f.got !== undefined ? `got ${compact(f.got, 300)}` : "", f.want !== undefined ? `expected ${compact(f.want, 300)}` : ""].filter(Boolean).join("; ")}`);
  }
  if (f.involved !== undefined) {
    const items = Array.isArray(f.involved) ? f.involved : f.involved !== null && typeof f.involved === "object" ? Object.entries(f.involved).map(([k, v]) => `${k}: ${compact(v, 300)}`) : [f.involved];
    lines.push("  involved:", ...items.slice(0, 6).map((item) => `  - ${typeof item === "string" ? item : compact(item, 300)}`));
    if (items.length > 6) lines.push(`  - … and ${items.length - 6} more`);
  }
  return lines.join("\n");
}

/**
 * The command that replays a failing case. Files graded from elsewhere than exercises/ (`--target
 * solutions`, a folder of a student's files) are named, so the command replays what was graded.
 * A seed names its `test` too: every seeded test of an exercise runs a replayed seed, and only the
 * one it came from is the case the student saw.
 */
export function replayCommand(exerciseId: string, f: CaseRecord | undefined, target = "exercises", test?: string): string | undefined {
  if (!f) return undefined;
  const from = target === "exercises" ? "" : ` --target ${/^[\w@%+=:,./-]+$/.test(target) ? target : `'${target.replace(/'/g, `'\\''`)}'`}`;
  if (f.seed !== undefined) return `npm run replay -- ${exerciseId} --seed ${f.seed}${test !== undefined ? ` --test ${shellWord(test)}` : ""}${from}`;
  if (f.label !== undefined) return `npm run replay -- ${exerciseId} --case ${JSON.stringify(f.label)}${from}`;
  return undefined;
}

/** A test's name as one word of a POSIX shell command: in double quotes (names hold spaces and apostrophes), in single quotes if it holds $, `, \, " or !. */
function shellWord(text: string): string {
  if (!/[$`\\"!]/.test(text)) return `"${text}"`;
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * A value in one readable line: keys unquoted, strings in plain quotes (never escaped),
 * `{name: "A", alive: false, epoch: 3}`.
 */
export function compact(value: unknown, maxChars = 600): string {
  const show = (v: unknown): string => {
    if (typeof v === "string") return `"${v}"`;
    if (Array.isArray(v)) return `[${v.map(show).join(", ")}]`;
    if (v && typeof v === "object") return `{${Object.entries(v).map(([k, x]) => `${k}: ${show(x)}`).join(", ")}}`;
    return String(v);
  };
  const text = show(value);
  return text.length > maxChars ? `${text.slice(0, maxChars)}…` : text;
}

function describeError(error: SerializedError, ctx: ScoreContext): string {
  const at = studentFrame(error.stack, ctx);
  // A test's error can quote an answer, as a case's can (graded.ts, cappedText): kept as short.
  const message = String(error.message);
  return `${String(error.name).slice(0, 200)}: ${message.length > 4_000 ? `${message.slice(0, 4_000)}… (truncated)` : message}${at ? ` (at ${at})` : ""}`;
}

/** The first stack frame in the student's file, shown as `exercises/05-x.ts:12:5`. */
function studentFrame(stack: string, ctx: ScoreContext): string | undefined {
  for (const line of stack.split("\n")) {
    const m = /([^\s(]+\.ts):(\d+):(\d+)/.exec(line);
    if (m && m[1].includes(ctx.stagePath)) return `${showPaths(m[1], ctx)}:${m[2]}:${m[3]}`;
  }
  return undefined;
}

/** A case with every string in it cleaned (keys too). */
function cleanRecord(f: CaseRecord, ctx: ScoreContext): CaseRecord {
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return clean(v, ctx);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [clean(k, ctx), walk(x)]));
    return v;
  };
  return walk(JSON.parse(JSON.stringify(f))) as CaseRecord;
}

/**
 * Replaces staging paths by the student's folder, removes secrets, and shows control characters
 * (a terminal escape in a student's error message could redraw the score on a terminal) as "�".
 */
function clean(text: string, ctx: ScoreContext): string {
  let out = showPaths(text, ctx);
  for (const s of ctx.redact) if (s) out = out.split(s).join("[redacted]");
  return printable(out);
}

/** `text` with the staged and compiled files named as the student knows them (`shownFiles`, else in `displayDir`). */
function showPaths(text: string, ctx: ScoreContext): string {
  let out = text;
  for (const [file, shown] of Object.entries(ctx.shownFiles ?? {})) {
    if (ctx.stagePath) out = out.split(`${ctx.stagePath}/${file}`).join(shown);
    if (ctx.buildPath) out = out.split(`${ctx.buildPath}/${file.replace(/\.ts$/, ".mjs")}`).join(shown);
  }
  if (ctx.stagePath) out = out.split(ctx.stagePath).join(ctx.displayDir);
  if (ctx.buildPath) out = out.split(`${ctx.buildPath}/`).join(`${ctx.displayDir}/`).replace(/(\d{2}-[a-z0-9-]+)\.mjs\b/g, "$1.ts");
  return out;
}

export type { GradedMeta };

/**
 * Graded tests: vitest tests that carry their points and visibility as data.
 *
 *   const answer = student<typeof Exercise>("05-leader-election");   // the submission, in its sandbox
 *   graded({ name: "never promotes a crashed follower", points: 1, visibility: "public" }, async (c) => {
 *     await c.each(c.seeds(20), async (seed, record) => {
 *       const followers = randomCluster(seed);
 *       record("followers", followers);
 *       // A Violation, or null when right.
 *       return checkElection(followers, await answer.call("chooseNewLeader", followers));
 *     });
 *   });
 *
 * The scorer reads `name`, `points` and `visibility` from the source (they must be literals), so a
 * test that does not run, or runs under another name, still counts as failed. The body earns
 * partial credit per case: `c.each` runs every case, counts the ones that pass and records the
 * first few failures (rule broken, inputs involved, seed) in the test's metadata, which the
 * scorer turns into feedback and a replay command.
 */
import { test, type TestContext } from "vitest";
import { focusRun, type RunResult } from "../lib";
import type { CaseResult } from "./engine/report";
import { DEFAULT_CASE_TIMEOUT_MS, DEFAULT_TIMEOUT_MS, META_KEY } from "./graded-defaults";
import { seedsTakingTurns } from "./search/aims";
import { deriveSeeds, PUBLIC_SEED_KEY, randomSecret } from "./seeds";
import { asCase, caseBackstopMs, CaseTimeout, freshSandboxes, gradingSettings, SandboxFailure, stopBusySandboxes, StudentError, studentFrame } from "./student";

export type Visibility = "public" | "hidden";

export interface GradedSpec {
  /** A sentence of behaviour, unique within the exercise. A string literal. */
  name: string;
  /** Points for passing every case; a numeric literal. */
  points: number;
  /** Public cases run fixed seeds and show full feedback; hidden ones run secret seeds. */
  visibility: Visibility;
  /** Wall-clock limit of the whole test (default 120 000 ms), a backstop for the grader's own code. */
  timeoutMs?: number;
  /**
   * Limit of one case of `c.each` (default 2 000 ms): CPU time of the student's code, with a
   * wall-clock cap of three times that plus 2 s for code that waits. A case past it fails,
   * and so do the test's remaining cases; when public tests alone run (a check), the exercise's
   * later tests are not run either (see `stoppedIn`).
   */
  caseTimeoutMs?: number;
}

/** What a failing case broke: the rule in words and the few inputs involved. */
export interface Violation {
  /** The guarantee or rule that broke, as a sentence: "a crashed follower is never promoted". */
  rule: string;
  /** What happened, briefly: `chose "B", which is crashed`. */
  details?: string;
  /** The inputs that show the problem (a few followers, operations, …). */
  involved?: unknown;
  got?: unknown;
  want?: unknown;
  /**
   * Ids (in the run the case recorded with `record.run`) of the operations that show the problem,
   * most telling first: they let the replay command draw the case as a space-time diagram.
   */
  ops?: number[];
  /** A short name of the guarantee for the drawing's labels ("read-your-writes"); default: the rule's words before a colon. */
  name?: string;
}

/** A case passes when its check returns nothing (or null) and fails when it returns a Violation. */
export type Verdict = Violation | null | undefined | void;

/**
 * Records a value shown when the case fails or is replayed (`record("followers", followers)`).
 * `record.run(run)` keeps the case's simulated run, so that a failure naming operations of it
 * (`Violation.ops`) can be drawn: `npm run replay -- 01 --seed N --draw case.svg`, or
 * `drawCase("01", N)` in a notebook.
 */
export interface Recorder {
  (label: string, value: unknown): void;
  run?: (run: RunResult) => void;
}

/** One case as the scorer and the replay command see it. Values are JSON-safe. */
export type CaseRecord = CaseResult;

/** Stored in the test's metadata under META_KEY; read by the scorer (engine/score.ts). */
export interface GradedMeta {
  passed: number;
  total: number;
  fraction: number;
  /** The first few failing cases (all of them when replaying). */
  failures: CaseRecord[];
  /** Set when every failure was the stub's "not implemented yet" error: its message. */
  notImplemented?: string;
  /** Every case, passing or not: only when replaying. */
  cases?: CaseRecord[];
  /** Text for a human grader (e.g. a student's written reasons), shown whether the test passed or not. */
  notes?: { label: string; text: string }[];
  /**
   * Set when the test did not run because an earlier test of the same check stopped the code
   * (public tests only, see `graded`): why, in words for the student.
   */
  notRun?: string;
  /** Cases not run because an earlier case of the test ran out of time or stopped the code (counted among the failed). */
  skipped?: number;
}

export { META_KEY };


const FAILURES_KEPT = 3;
/** Cases of one `each` in flight at once (see `each`). */
const CASES_AT_ONCE = 16;
const VALUE_CHARS_MAX = 4_000;
/** A drawn case holds a few dozen operations: a few kilobytes. */
const DIAGRAM_CHARS_MAX = 400_000;

export interface GradedContext {
  /** The exercise id, e.g. "05". */
  readonly exerciseId: string;
  /** True when the replay command is rerunning one case. */
  readonly replaying: boolean;
  /** `n` seeds: fixed for public tests, secret for hidden ones, the one asked for when replaying. */
  seeds(n: number): number[];
  /**
   * `n` seeds for a search whose findings are shown in full (a public test): drawn from the
   * grading secret when hidden tests run too, so that each grading searches afresh yet the same
   * grading always searches alike; fixed when only public tests run (`check()`), so that a
   * notebook's check is the same every time; the one asked for when replaying.
   */
  searchSeeds(n: number): number[];
  /**
   * `n` seeds of cases aimed at `kinds` kinds of mistake, taking turns (`seedsTakingTurns`,
   * search/aims.ts: the i-th seed builds kind `i % kinds`); the one asked for, unmoved, when
   * replaying, as a case's kind is read from its seed alone.
   */
  seedsTakingTurns(n: number, kinds: number): number[];
  /** Runs `check` on every item (a seed, or a hand-written case with a `label`) and tallies it. */
  each<T extends number | { label: string }>(
    items: readonly T[],
    check: (item: T, record: Recorder) => Verdict | Promise<Verdict>,
    options?: EachOptions<T>,
  ): Promise<void>;
  /** Adds a tally computed by hand: `passed` of `total` cases, with a message when some failed. */
  partial(passed: number, total: number, message?: string): void;
  /** Carries text into the report for a human grader, passed or failed (not scored): `c.note("register", reason)`. */
  note(label: string, text: string): void;
}

export interface EachOptions<T> {
  /**
   * Reduces a failing case to a small one that still fails, before it is shown: called once per
   * test, on the first failing case (in the items' order) of a public test or of a replay, with a
   * fresh recorder, inside that case's time limit. What it returns and records replaces what the
   * case showed; the tally is unchanged. It returns null when it could not reproduce the failure
   * (the original case is shown then).
   */
  shrink?: (item: T, record: Recorder) => Verdict | Promise<Verdict>;
}

/** Declares a graded test. See the file comment. */
export function graded(spec: GradedSpec, body: (c: GradedContext) => void | Promise<void>): void {
  const settings = gradingSettings();
  const skipped =
    (spec.visibility === "hidden" && settings?.publicOnly === true) ||
    (settings?.onlyTest !== undefined && settings.onlyTest !== spec.name);
  if (skipped) {
    test.skip(spec.name, () => {});
    return;
  }
  const publicOnly = settings?.publicOnly === true;
  test(
    spec.name,
    async (ctx: TestContext) => {
      const file = ctx.task.file.filepath;
      const meta = ctx.task.meta as Record<string, unknown>;
      const stoppedEarlier = publicOnly ? stoppedIn.get(ctx.task.file) : undefined;
      if (stoppedEarlier) {
        const notRun = notRunBecause(stoppedEarlier);
        meta[META_KEY] = { passed: 0, total: 0, fraction: 0, failures: [], notRun } satisfies GradedMeta;
        throw new GradedFailure(notRun);
      }
      if (spec.visibility === "public" && lastRan.get(file) === "hidden") freshSandboxes();
      lastRan.set(file, spec.visibility);
      const c = new Tally(spec, exerciseIdOf(file));
      try {
        await body(c);
      } catch (error) {
        c.fail({ case: "the test", ok: false, error: describeError(error) });
        c.noteStop(error, "the test");
        meta[META_KEY] = c.meta(true);
        throw error;
      } finally {
        if (publicOnly && c.stopped) stoppedIn.set(ctx.task.file, { test: spec.name, ...c.stopped });
      }
      meta[META_KEY] = c.meta(false);
      if (c.failedCount() > 0) throw new GradedFailure(c.summary());
    },
    spec.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  );
}

/**
 * The visibility of the test that ran last, per graded file: a public test after a hidden one
 * gets a new sandbox (`freshSandboxes`), so no public feedback comes from a process that saw
 * hidden cases. Graded files put their hidden tests last, where this costs nothing.
 */
const lastRan = new Map<string, Visibility>();

/**
 * Where a check's code stopped, per run of a graded file (its task, new in every run): a case ran
 * out of time, or the code stopped answering. When public tests alone run (check(), `npm run grade
 * -- --public`), the file's later tests are then not run: each would start a new sandbox and wait
 * out its own time limit on the same loop (a `while (true) {}` in exercise 06's `write()` kept a
 * check busy for 25 s, 50 s on a busy machine), to tell the student nothing new. A full grading runs them all, for the partial
 * credit of code that loops on some inputs only.
 */
const stoppedIn = new WeakMap<object, Stop>();

/** Where the code stopped: the test and case, and whether it ran out of time or stopped answering. */
interface Stop {
  test: string;
  case: string;
  timedOut: boolean;
}

function notRunBecause(stop: Stop): string {
  const at = stop.case === "the test" ? "" : ` at ${stop.case}`;
  const what = stop.timedOut ? `test "${stop.test}" ran out of time${at} (an endless loop?)` : `the exercise's code stopped answering in test "${stop.test}"${at}`;
  return `not run in this check: ${what}; fix that first (a full grading runs every test)`;
}

/** The error that fails a test whose cases did not all pass; its message summarises them. */
export class GradedFailure extends Error {
  override readonly name = "GradedFailure";
}

class Tally implements GradedContext {
  readonly replaying: boolean;
  private passed = 0;
  private total = 0;
  private failures: CaseRecord[] = [];
  private cases: CaseRecord[] = [];
  private allNotImplemented = true;
  private notImplementedMessage: string | undefined;
  /** Cases skipped after one ran out of time or stopped the code. */
  private skipped = 0;
  /** The first case that ran out of time or stopped the code (see `stoppedIn`). */
  stopped: Omit<Stop, "test"> | undefined;

  constructor(
    private readonly spec: GradedSpec,
    readonly exerciseId: string,
  ) {
    const replay = gradingSettings()?.replay;
    this.replaySeed = replay?.seed;
    this.replayCase = replay?.label;
    this.replaying = this.replaySeed !== undefined || this.replayCase !== undefined;
  }

  private readonly replaySeed: number | undefined;
  private readonly replayCase: string | undefined;

  seeds(n: number): number[] {
    const key = this.spec.visibility === "public" ? PUBLIC_SEED_KEY : hiddenKey(this.exerciseId);
    const replaySeed = this.replaySeed;
    if (replaySeed !== undefined) {
      // A replayed seed runs in every seeded test; the test it came from says so in the replay.
      this.ownSeed = deriveSeeds(key, this.exerciseId, this.spec.name, n).includes(Number(replaySeed));
      return [Number(replaySeed)];
    }
    if (this.replaying) return [];
    return deriveSeeds(key, this.exerciseId, this.spec.name, n);
  }
  private ownSeed = false;

  seedsTakingTurns(n: number, kinds: number): number[] {
    const replaySeed = this.replaySeed;
    if (replaySeed === undefined) return seedsTakingTurns(this.seeds(n), kinds);
    // The seed a failure showed is one taking its turn already: moved again, it would be another case.
    const key = this.spec.visibility === "public" ? PUBLIC_SEED_KEY : hiddenKey(this.exerciseId);
    this.ownSeed = seedsTakingTurns(deriveSeeds(key, this.exerciseId, this.spec.name, n), kinds).includes(Number(replaySeed));
    return [Number(replaySeed)];
  }

  searchSeeds(n: number): number[] {
    const key = gradingSettings()?.publicOnly === true ? PUBLIC_SEED_KEY : hiddenKey(this.exerciseId);
    if (this.replaySeed !== undefined) {
      this.ownSeed = deriveSeeds(key, this.exerciseId, `search/${this.spec.name}`, n).includes(Number(this.replaySeed));
      return [Number(this.replaySeed)];
    }
    if (this.replaying) return [];
    return deriveSeeds(key, this.exerciseId, `search/${this.spec.name}`, n);
  }

  /**
   * Runs up to 16 cases at a time: their questions to the submission's sandbox go together in one
   * round trip (student.ts), and while the judge checks one case (a replayed simulation, say) the
   * sandbox already works on the next ones. The sandbox answers in order, each case keeps its own
   * time limit, and results are tallied in the items' order, so the outcome is the same as one
   * case at a time.
   */
  async each<T extends number | { label: string }>(
    items: readonly T[],
    check: (item: T, record: Recorder) => Verdict | Promise<Verdict>,
    options: EachOptions<T> = {},
  ): Promise<void> {
    const caseTimeoutMs = this.spec.caseTimeoutMs ?? DEFAULT_CASE_TIMEOUT_MS;
    const replayCase = this.replayCase;
    const replaySeed = this.replaySeed;
    const chosen = items
      .map((item) => ({ item, base: this.baseRecord(item) }))
      // A replay runs only the case asked for: one seed, or one labelled case.
      .filter(({ base }) => !(replayCase !== undefined && base.label !== replayCase) && !(replaySeed !== undefined && base.label !== undefined));
    /** Set when a case ran out of time or its sandbox died: the test's remaining cases are skipped. */
    let hung: string | undefined;
    const run = ({ item, base }: (typeof chosen)[number], judge: (item: T, record: Recorder) => Verdict | Promise<Verdict> = check) => {
      const recorded: Record<string, unknown> = {};
      const outcome: { base: CaseRecord; recorded: Record<string, unknown>; caseRun?: RunResult; verdict?: Verdict; threw?: true; error?: unknown } = { base, recorded };
      const record: Recorder = (label, value) => {
        recorded[label] = jsonSafe(value);
      };
      record.run = (r) => {
        outcome.caseRun = r;
      };
      // The sandbox's own limits stop the student's code; this cap only guards the judge's side.
      return withTimeout(asCase(caseTimeoutMs, () => Promise.resolve().then(() => judge(item, record))), caseBackstopMs(caseTimeoutMs)).then(
        (verdict) => ({ ...outcome, verdict }),
        (error: unknown) => ({ ...outcome, threw: true as const, error }),
      );
    };
    const started: ReturnType<typeof run>[] = [];
    const start = (i: number): void => {
      if (i < chosen.length) started[i] = run(chosen[i]);
    };
    for (let i = 0; i < CASES_AT_ONCE; i++) start(i);
    let firstFailed: { at: number; record: CaseRecord } | undefined;
    for (let i = 0; i < chosen.length; i++) {
      if (hung !== undefined) {
        // Never started, or started beside the case that hung: either way not judged.
        this.skipped++;
        this.fail({ ...chosen[i].base, ok: false, rule: "not run", details: `skipped: ${hung}` });
        continue;
      }
      const { base, recorded, caseRun, verdict, threw, error } = await started[i];
      if (threw) {
        if (error instanceof CaseTimeout) hung = `${base.case} did not finish`;
        else if (error instanceof SandboxFailure) hung = `the exercise's code stopped answering at ${base.case}`;
        this.noteStop(error, base.case);
        this.fail({ ...base, ok: false, error: describeError(error), recorded });
      } else if (verdict) {
        const failed = failedRecord(base, verdict, recorded, caseRun);
        firstFailed ??= { at: i, record: failed };
        this.fail(failed);
      } else {
        this.pass({ ...base, ok: true, recorded });
      }
      if (hung === undefined) start(i + CASES_AT_ONCE);
    }
    const shrink = options.shrink;
    if (shrink && firstFailed && hung === undefined && (this.spec.visibility === "public" || this.replaying)) {
      const { at, record } = firstFailed;
      const { recorded, caseRun, verdict, threw } = await run(chosen[at], shrink);
      // A shrink that cannot reproduce the failure (or breaks) leaves the case as it was found.
      if (!threw && verdict) this.replaceShown(record, failedRecord(chosen[at].base, verdict, recorded, caseRun));
    }
  }

  /** Shows `shrunk` in place of `found` wherever the case is kept for feedback. */
  private replaceShown(found: CaseRecord, shrunk: CaseRecord): void {
    for (const list of [this.failures, this.cases]) {
      const at = list.indexOf(found);
      if (at >= 0) list[at] = shrunk;
    }
  }

  private baseRecord(item: number | { label: string }): CaseRecord {
    return typeof item === "number"
      ? { case: `seed ${item}`, seed: item, ok: false, ...(this.ownSeed ? { ownCase: true } : {}) }
      : { case: `case ${JSON.stringify(item.label)}`, label: item.label, ok: false };
  }

  private readonly notes: { label: string; text: string }[] = [];

  note(label: string, text: string): void {
    if (this.notes.length < 50) this.notes.push({ label: String(label).slice(0, 200), text: String(text).slice(0, 2000) });
  }

  partial(passed: number, total: number, message?: string): void {
    if (!(Number.isInteger(passed) && Number.isInteger(total) && passed >= 0 && passed <= total)) {
      throw new RangeError(`partial(passed, total): need whole numbers with 0 <= passed <= total, got ${passed}, ${total}`);
    }
    this.total += total;
    this.passed += passed;
    if (passed < total) {
      this.allNotImplemented = false;
      this.keep({ case: `${total - passed} of ${total} checks`, ok: false, rule: message ?? "some checks failed" });
    }
  }

  fail(record: CaseRecord): void {
    this.total += 1;
    if (!(record.error && record.error.name === "NotImplementedError")) this.allNotImplemented = false;
    else this.notImplementedMessage ??= record.error.message;
    this.keep(record);
  }

  /**
   * Remembers the first case that ran out of time or stopped the code. A file that cannot be
   * loaded, or a budget used up, fails every later call at once, at no cost: not counted.
   */
  noteStop(error: unknown, at: string): void {
    if (error instanceof CaseTimeout) this.stopped ??= { case: at, timedOut: true };
    else if (error instanceof SandboxFailure && error.stoppedAnswering) this.stopped ??= { case: at, timedOut: false };
  }

  failedCount(): number {
    return this.total - this.passed;
  }

  meta(threw: boolean): GradedMeta {
    const total = this.total;
    const passed = threw ? 0 : this.passed;
    const notImplemented = this.failedCount() > 0 && this.allNotImplemented ? this.notImplementedMessage : undefined;
    return {
      passed,
      total,
      fraction: threw ? 0 : total === 0 ? 1 : passed / total,
      failures: this.failures,
      ...(notImplemented !== undefined ? { notImplemented } : {}),
      ...(this.replaying ? { cases: this.cases } : {}),
      ...(this.notes.length > 0 ? { notes: this.notes } : {}),
      ...(this.skipped > 0 ? { skipped: this.skipped } : {}),
    };
  }

  summary(): string {
    const first = this.failures[0];
    const head = `${this.failedCount()} of ${this.total} cases failed`;
    if (!first) return head;
    const why = first.error ? `${first.error.name}: ${first.error.message}` : `${first.rule}${first.details ? `: ${first.details}` : ""}`;
    return `${head}; first, ${first.case}: ${why}`;
  }

  private pass(record: CaseRecord): void {
    this.total += 1;
    this.passed += 1;
    if (this.replaying) this.cases.push(record);
  }

  private keep(record: CaseRecord): void {
    if (this.replaying) this.cases.push(record);
    if (this.replaying || this.failures.length < FAILURES_KEPT) this.failures.push(record);
  }
}

/** The record of a case whose check returned `verdict`. */
function failedRecord(base: CaseRecord, verdict: Violation, recorded: Record<string, unknown>, caseRun: RunResult | undefined): CaseRecord {
  return {
    ...base,
    ok: false,
    rule: cappedText(String(verdict.rule)),
    details: verdict.details === undefined ? undefined : cappedText(String(verdict.details)),
    involved: jsonSafe(verdict.involved),
    got: jsonSafe(verdict.got),
    want: jsonSafe(verdict.want),
    recorded,
    ...drawing(caseRun, verdict),
  };
}

/**
 * Whether a failing case can be drawn, and when the replay command asked for it, the part of its
 * run to draw: the operations the violation names and their neighbourhood (lib/charts/focus.ts).
 */
function drawing(run: RunResult | undefined, verdict: Violation): Pick<CaseRecord, "drawable" | "diagram"> {
  const ops = Array.isArray(verdict.ops) ? verdict.ops.filter((id) => Number.isInteger(id) && id >= 0) : [];
  if (!run || ops.length === 0 || !run.history?.ops?.length) return {};
  if (gradingSettings()?.replay?.draw !== true) return { drawable: true };
  try {
    const rule = String(verdict.rule);
    // The rule's name where it has one ("read-your-writes: …"), to label the operations with.
    const name = typeof verdict.name === "string" ? verdict.name : /^([\w -]{3,30}):/.exec(rule)?.[1] ?? "broke the rule";
    const focused = focusRun(
      run,
      { guarantee: name, ops, message: verdict.details === undefined ? rule : String(verdict.details), atMs: run.history.ops[ops[0]]?.invokeMs ?? 0 },
      { title: rule },
    );
    return { drawable: true, diagram: jsonSafe(focused, DIAGRAM_CHARS_MAX) };
  } catch (error) {
    return { drawable: false, diagram: { error: describeError(error).message } };
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      stopBusySandboxes();
      reject(new CaseTimeout(`did not finish within ${ms} ms`));
    }, ms);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

const fallbackKeys: Record<string, string> = {};

/** The hidden-seed key of an exercise: from the scorer, or random when run without one. */
function hiddenKey(exerciseId: string): string {
  return gradingSettings()?.seedKeys[exerciseId] ?? (fallbackKeys[exerciseId] ??= randomSecret());
}

function exerciseIdOf(filepath: string): string {
  const base = filepath.split(/[\\/]/).pop() ?? "";
  return /^(\d{2})-/.exec(base)?.[1] ?? base;
}

function describeError(error: unknown): NonNullable<CaseRecord["error"]> {
  // Only the grader's own errors say that the code was stopped: a student's error may carry any name.
  if (error instanceof CaseTimeout) return { name: error.name, message: error.message, stopped: "timeout" };
  if (error instanceof SandboxFailure) return { name: error.name, message: error.message, stopped: "sandbox" };
  if (error instanceof StudentError) {
    const at = studentFrame(error);
    return { name: error.name, message: at ? `${error.message} (at ${at})` : error.message };
  }
  // The judge's own errors can quote an answer (a library ConfigError names the value it refused,
  // a router's misfit its decision): capped like every text of a case.
  if (error instanceof Error) return { name: cappedText(String(error.name), NAME_CHARS_MAX), message: cappedText(String(error.message)) };
  return { name: "thrown value", message: cappedText(safeString(jsonSafe(error))) };
}

/** An error's name as kept in a case record: a name, not a text. */
const NAME_CHARS_MAX = 200;

/**
 * Text of a case record (a rule, its details, an error's message) cut to `maxChars`, as values
 * are (`jsonSafe`). A check's words can quote an answer: a follower named with 40 MB of text (04)
 * came back in the library's error for every case, and the report of 20 such cases, a few
 * hundred MB, was more than JSON.stringify can write: the grading call ended without a report.
 */
export function cappedText(text: string, maxChars = VALUE_CHARS_MAX): string {
  return text.length > maxChars ? `${text.slice(0, maxChars)}… (truncated)` : text;
}

/** A JSON-safe copy of `value` (Infinity, undefined, cycles, functions made printable), capped in size. */
export function jsonSafe(value: unknown, maxChars = VALUE_CHARS_MAX): unknown {
  if (value === undefined) return undefined;
  let text: string;
  try {
    text = safeString(shown(value, { left: maxChars }, new WeakSet()));
  } catch {
    // A part that cannot be copied (a map keyed by objects without a string form) is the grader's
    // own value, never an answer (answers arrive as plain data): written out whole, as before.
    text = safeString(value);
  }
  if (text.length > maxChars) return `${text.slice(0, maxChars)}… (truncated)`;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * The part of `value` that JSON text of `budget.left` characters can show, copied without
 * visiting the rest: an answer of two million numbers is one array for the judge's check, and
 * writing it all out only to keep its first 4,000 characters cost seconds a case, on the judge's
 * time. Every part (a number, a string, an array, an object) takes at least one character of the
 * text, so the first `budget.left` parts in the order JSON.stringify writes them are kept as they
 * are, and the text of the copy begins with the same `budget.left` characters as that of `value`;
 * what comes after is "…". Maps, sets and typed arrays become what safeString makes of them;
 * objects with a toJSON of the judge's own (dates, FunctionRef) are kept whole.
 */
function shown(value: unknown, budget: { left: number }, seen: WeakSet<object>): unknown {
  if (budget.left-- <= 0) return "…";
  if (typeof value === "string") return value.length > budget.left + 2 ? value.slice(0, budget.left + 2) : value;
  if (value === null || typeof value !== "object") return value;
  if (seen.has(value)) return "[cycle]";
  if (typeof (value as { toJSON?: unknown }).toJSON === "function") return value;
  // Written as what they become, which is the same part of the text: counted once.
  const as = (copy: unknown): unknown => {
    seen.add(value);
    budget.left++;
    return shown(copy, budget, seen);
  };
  // All of a map's entries: an object puts keys like "0" first, wherever they were in the map (and
  // maps are the grader's own values: answers arrive as plain data).
  if (value instanceof Map) return as(Object.fromEntries(value));
  if (value instanceof Set) return as(firstOf(value.values(), budget.left + 1));
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return as(firstOf((value as unknown as Iterable<number>)[Symbol.iterator](), budget.left + 1));
  seen.add(value);
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (let i = 0; i < value.length; i++) {
      if (budget.left <= 0) {
        out.push("…");
        break;
      }
      out.push(shown(value[i], budget, seen));
    }
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const key in value) {
    if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
    if (budget.left <= 0) {
      out["…"] = "…";
      break;
    }
    out[key] = shown((value as Record<string, unknown>)[key], budget, seen);
  }
  return out;
}

/** The first `n` items of an iterator. */
function firstOf<T>(items: Iterator<T>, n: number): T[] {
  const out: T[] = [];
  for (let step = items.next(); !step.done && out.length < n; step = items.next()) out.push(step.value);
  return out;
}

export function safeString(value: unknown): string {
  const seen = new WeakSet<object>();
  try {
    const text = JSON.stringify(value, (_key, v: unknown) => {
      if (typeof v === "number" && !Number.isFinite(v)) return String(v);
      if (typeof v === "bigint") return `${v}n`;
      if (typeof v === "function") return `[function ${v.name || "anonymous"}]`;
      if (v === undefined) return "undefined";
      if (typeof v === "object" && v !== null) {
        if (seen.has(v)) return "[cycle]";
        seen.add(v);
        if (v instanceof Map) return Object.fromEntries(v);
        if (v instanceof Set) return [...v];
        if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>);
      }
      return v;
    });
    return text ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * The grade report: what grading one submission produces, and the one definition of its shape.
 * Every output format (format/), the platforms' scripts and the notebook helpers read it; its
 * JSON form is `npm run grade -- --format json`.
 */
/** One case of a test as feedback shows it (values are JSON-safe). */
export interface CaseResult {
  /** `seed 81723` or `case "two followers tie"`. */
  case: string;
  seed?: number;
  label?: string;
  ok: boolean;
  /** The rule or guarantee that broke. */
  rule?: string;
  details?: string;
  involved?: unknown;
  got?: unknown;
  want?: unknown;
  /**
   * What the case threw. `stopped` is set by the grader alone, never from a name: the case ran
   * out of time ("timeout") or the exercise's process stopped answering or could not load
   * ("sandbox"). The name and message of an error the student's code threw are the student's.
   */
  error?: { name: string; message: string; stopped?: "timeout" | "sandbox" };
  /** Values the check recorded, e.g. the followers of the case. */
  recorded?: Record<string, unknown>;
  /** Replaying a seed: this case is one of the test's own (the seed came from this test). */
  ownCase?: boolean;
  /** The failure names operations of a simulated run: `drawCase` can draw it. */
  drawable?: boolean;
  /** When replayed with drawing on: the part of the run to draw (a FocusedRun, lib/charts/focus.ts). */
  diagram?: unknown;
}

export interface TestReport {
  name: string;
  /** "partial": failed, but earned part of its points. */
  status: "passed" | "partial" | "failed";
  score: number;
  maxScore: number;
  /** Feedback for the student; for hidden tests, no inputs or seeds. */
  message: string;
  visibility: "public" | "hidden";
  /** Cases passed of cases run, when the test counts cases. */
  cases?: { passed: number; total: number };
  /** The first failing cases with their inputs (public tests, or hidden ones when revealed). */
  failures?: CaseResult[];
  /** Command that reruns the first failing case. */
  replay?: string;
  /** True when the failure is the stub's "not implemented yet". */
  notImplemented?: boolean;
  /** True when a check did not run this test: an earlier test of it ran out of time (graded.ts). */
  notRun?: boolean;
  /** Every case that ran, passing or not: only in a replay. */
  replayed?: CaseResult[];
}

export interface ExerciseReport {
  id: string;
  name: string;
  title: string;
  score: number;
  maxScore: number;
  /** The graded file as the student knows it, e.g. "exercises/05-leader-election.ts". */
  file: string;
  /** Why no test could pass (missing file, rejected, does not compile, never loaded), if so. */
  problem?: string;
  /**
   * Type errors in the file, and calls of the graded tests that its signatures no longer fit.
   * Reported beside the score, not scored: the tests judge what the code does.
   */
  typeErrors?: string[];
  /** Set when the grader itself could not finish this exercise (its runner crashed, time ran out). */
  incomplete?: string;
  tests: TestReport[];
  /** Tests the runner reported that the manifest does not list (a grader bug). */
  unlisted?: string[];
  /**
   * The first lines of what the exercise's code printed while its tests ran (console.log and
   * console.error), cleaned like all feedback: only when public tests alone ran (check(), `npm
   * run grade -- --public`), never with hidden tests, whose inputs the code could print.
   */
  printed?: Printed;
}

/** The first lines of what a student's code printed, and how much more it printed. */
export interface Printed {
  /** Up to 20 lines and 2,000 characters, as printed (without its last line break). */
  text: string;
  /** Lines printed after those shown (a line cut short counts as one). */
  moreLines: number;
  /** Characters printed after those shown. */
  moreChars: number;
}

export interface GradeReport {
  score: number;
  maxScore: number;
  exercises: ExerciseReport[];
  /** The graded folder, as given. */
  target: string;
  /** Only public tests were run. */
  publicOnly: boolean;
  /** Where the hidden seeds came from: a configured secret, or random for this run. */
  hiddenSeeds: "secret" | "random" | "not run";
  durationMs: number;
  /** Set when grading itself failed: why every test scores zero. */
  error?: string;
  /** Set when the result was given before the type check finished (the notebook's check()): no type errors are listed. */
  typeCheckPending?: boolean;
}

export type TestStatus = TestReport["status"];

/** Rounds a score for reports: partial credit gives fractions of points. */
export function roundScore(x: number): number {
  return Math.round(x * 100) / 100;
}

/** What failedReport needs of an exercise (engine/exercises.ts has it all). */
interface ExerciseTests {
  id: string;
  name: string;
  meta: { title: string };
  tests: { name: string; points: number; visibility: "public" | "hidden" }[];
}

/** A report in which every test failed for `reason`: what is printed when grading itself fails. */
export function failedReport(exercises: ExerciseTests[], target: string, reason: string, publicOnly: boolean): GradeReport {
  const list = exercises.map((e) => {
    const tests = e.tests
      .filter((t) => !(publicOnly && t.visibility === "hidden"))
      .map((t) => ({ name: t.name, status: "failed" as const, score: 0, maxScore: t.points, message: reason, visibility: t.visibility }));
    return { id: e.id, name: e.name, title: e.meta.title, score: 0, maxScore: roundScore(tests.reduce((s, t) => s + t.maxScore, 0)), file: `${target}/${e.name}.ts`, problem: reason, incomplete: reason, tests };
  });
  return { score: 0, maxScore: roundScore(list.reduce((s, e) => s + e.maxScore, 0)), exercises: list, target, publicOnly, hiddenSeeds: "not run", durationMs: 0, error: reason };
}

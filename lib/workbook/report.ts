/**
 * The grader's JSON report (`npm run grade -- --format json`): the one definition, used by the
 * grader that writes it and by the notebook helpers that read it.
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
  error?: { name: string; message: string };
  /** Values the check recorded, e.g. the followers of the case. */
  recorded?: Record<string, unknown>;
  /** Replaying a seed: this case is one of the test's own (the seed came from this test). */
  ownCase?: boolean;
  /** The failure names operations of a simulated run: `drawCase` can draw it. */
  drawable?: boolean;
  /** When replayed with drawing on: the part of the run to draw (a FocusedRun, lib/charts/focus.ts). */
  diagram?: unknown;
}

export interface TestResult {
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
  /** Every case that ran, passing or not: only in a replay. */
  replayed?: CaseResult[];
}

export interface ExerciseResult {
  id: string;
  name: string;
  title: string;
  score: number;
  maxScore: number;
  /** The graded file as the student knows it, e.g. "exercises/05-leader-election.ts". */
  file: string;
  /** Why no test could pass (missing file, rejected, does not compile, never loaded), if so. */
  problem?: string;
  /** Set when the grader itself could not finish this exercise (its runner crashed, time ran out). */
  incomplete?: string;
  tests: TestResult[];
  /** Tests the runner reported that the manifest does not list (a grader bug). */
  unlisted?: string[];
}

export interface GradeResult {
  score: number;
  maxScore: number;
  exercises: ExerciseResult[];
  /** The graded folder, as given. */
  target: string;
  /** Only public tests were run. */
  publicOnly: boolean;
  /** Where the hidden seeds came from: a configured secret, or random for this run. */
  hiddenSeeds: "secret" | "random" | "not run";
  durationMs: number;
  /** Set when grading itself failed: why every test scores zero. */
  error?: string;
}

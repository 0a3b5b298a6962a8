/**
 * A grading run's plan: what the scorer asks one vitest process to run. Written by the scorer
 * as JSON, read by grader/vitest.config.ts in the vitest process.
 */

export const PLAN_ENV = "RL_GRADER_PLAN";

export interface PlannedProject {
  /** Unique in the run; the reporter tags every event with it. */
  name: string;
  /** What the tests' `../../exercises/<exercise>` resolves to: the staged exercise files. */
  submissionDir: string;
  /** Absolute paths of the graded test files to run. */
  files: string[];
  /** Extra environment of this project's test workers (seed keys, filters). */
  env: Record<string, string>;
}

export interface RunPlan {
  root: string;
  /** A scratch folder for vite's cache (the grader's own copy may be read-only). */
  cacheDir: string;
  maxWorkers: number;
  /**
   * A fresh worker per test file (true), or workers that run several files of one project (one
   * submission) in turn and so load the library once (false). vitest never hands a worker to
   * another project.
   */
  isolate: boolean;
  /** Heap limit of each test worker. */
  memoryMb: number;
  /** lib/ compiled to ES modules (engine/lib-bundle.ts), which the workers load in its place. */
  libBundle?: string;
  /** Paths the test workers may read (Node's permission model); nothing else, no writes. */
  readPaths: string[];
  projects: PlannedProject[];
}

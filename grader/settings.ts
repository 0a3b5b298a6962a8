import type { Isolation } from "./sandbox/launch";

/**
 * What a grading run tells its graded tests: where the submission's compiled files are, which
 * tests and seeds to run, the keys of the hidden seeds and the sandbox's limits. The scorer hands
 * it to each vitest project (one per submission) with `provide`; graded tests read it with
 * `inject` (student.ts). Test workers run only the grader's own code, so the keys may travel here; no sandbox
 * ever sees them.
 */
export const SETTINGS_KEY = "replicationLab";

export interface GradingSettings {
  /** Folder of the submission's compiled exercise files (`NN-name.mjs`, engine/transpile.ts). */
  buildDir: string;
  /** Folder of the submission's staged sources, which error locations point into. */
  sourceDir: string;
  /** Folder of the sandbox's own programs (sandbox/runtime.ts). */
  runtimeDir: string;
  /** How sandboxes are isolated on this machine, as the scorer found (sandbox/launch.ts). */
  isolation: Isolation;
  /** Heap limit of a sandbox, MB. */
  memoryMb: number;
  /** CPU time one exercise's code may use in all during a grading, ms. */
  exerciseCpuMs: number;
  /** Only public tests run (hidden ones are skipped). */
  publicOnly: boolean;
  /** Run only the test of this name. */
  onlyTest?: string;
  /** Rerun one case: a seed or a hand-written case's label; `draw` keeps its run for drawing. */
  replay?: { seed?: number; label?: string; draw?: boolean };
  /** Exercise id -> key of its hidden seeds (seeds.ts). */
  seedKeys: Record<string, string>;
  /** Show what the student's code printed (the replay command does). */
  showOutput: boolean;
}

declare module "vitest" {
  export interface ProvidedContext {
    replicationLab: GradingSettings;
  }
}

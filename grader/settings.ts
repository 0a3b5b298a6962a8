import { basename, dirname, join } from "node:path";
import type { Isolation } from "./sandbox/launch";

/**
 * What a grading run tells its graded tests: where the submission's compiled files are, which
 * tests and seeds to run, the keys of the hidden seeds and the sandbox's limits. The scorer hands
 * it to the vitest project with `provide`, each submission's under its slot (engine/run-vitest.ts);
 * graded tests read theirs with `inject` (student.ts), by the path of the file they run in. Test
 * workers run only the grader's own code, so the keys may travel here; no sandbox ever sees them.
 */
export const SETTINGS_KEY = "replicationLab";
/** Slot name -> that submission's settings, when one run grades several. */
export const SLOTS_KEY = "replicationLabSlots";

/** Folder name of slot `pK`'s copies of the test files (the first slot runs the files themselves). */
const SLOT_DIR = /^\.(p[0-9]+)$/;

/** Where slot `slot` runs the test file `file` (`first`: the slot that runs the files themselves). */
export function slotFile(slot: string, file: string, first: string): string {
  return slot === first ? file : join(dirname(file), `.${slot}`, basename(file));
}

/** The slot a test file path belongs to (none: the test file itself) and the real file. */
export function slotOf(file: string): { slot?: string; real: string } {
  const dir = dirname(file);
  const found = SLOT_DIR.exec(basename(dir));
  return found ? { slot: found[1], real: join(dirname(dir), basename(file)) } : { real: file };
}

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
  /** Sandboxes run V8 without helper threads (a batch's; sandbox/launch.ts). */
  singleThreaded: boolean;
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
    replicationLabSlots: Record<string, GradingSettings>;
  }
}

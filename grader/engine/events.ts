/** Messages from the grading reporter (in vitest's main process) to the scorer. */

/** What the worker setup prints first in every test file: the worker's process id. */
export const WORKER_PID_MARKER = "replication-lab-grader:worker-pid:";
import type { GradedMeta } from "../graded";

export interface SerializedError {
  name: string;
  message: string;
  stack: string;
}

interface ModuleRef {
  project: string;
  file: string;
}

export type RunnerEvent =
  | ({ type: "queued" } & ModuleRef)
  | ({ type: "collected" } & ModuleRef)
  | ({
      type: "test";
      name: string;
      state: "passed" | "failed" | "skipped" | "pending";
      errors: SerializedError[];
      meta: GradedMeta | null;
      durationMs: number;
    } & ModuleRef)
  | ({ type: "moduleEnd"; state: string; errors: SerializedError[] } & ModuleRef)
  /** The process id of the worker running a module, from the worker setup, before student code. */
  | ({ type: "worker"; pid: number } & ModuleRef)
  | { type: "log"; stream: "stdout" | "stderr"; text: string }
  | { type: "runEnd"; reason: string; errors: SerializedError[] };

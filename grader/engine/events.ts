/** Messages from the grading reporter (in vitest's main process) to the scorer. */
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
  | { type: "log"; stream: "stdout" | "stderr"; text: string }
  | { type: "runEnd"; reason: string; errors: SerializedError[] };

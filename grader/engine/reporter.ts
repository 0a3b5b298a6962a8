/**
 * The vitest reporter of grading runs. It runs in vitest's main process, not in the test workers
 * where student code runs, and sends each result to the scorer over the IPC channel the scorer
 * opened. Student code cannot reach that channel: anything it prints goes to stdout, which the
 * scorer does not read for scores.
 */
import type { Reporter, TestCase, TestModule, Vitest } from "vitest/node";
import { META_KEY, type GradedMeta } from "../graded";
import { WORKER_PID_MARKER, type RunnerEvent, type SerializedError } from "./events";

const MESSAGE_CHARS_MAX = 2_000;

function send(event: RunnerEvent): void {
  process.send?.(event);
}

function errorsOf(errors: ReadonlyArray<{ name?: string; message?: string; stack?: string }> | undefined): SerializedError[] {
  return (errors ?? []).slice(0, 3).map((e) => ({
    name: String(e.name ?? "Error"),
    message: String(e.message ?? "").slice(0, MESSAGE_CHARS_MAX),
    stack: String(e.stack ?? "").slice(0, MESSAGE_CHARS_MAX),
  }));
}

const where = (m: TestModule) => ({ project: m.project.name, file: m.moduleId });

export default class GradingReporter implements Reporter {
  private vitest: Vitest | undefined;
  /** Modules whose worker pid is known: only the first report counts (it precedes student code). */
  private pids = new Set<string>();

  onInit(vitest: Vitest): void {
    this.vitest = vitest;
  }

  onTestModuleQueued(m: TestModule): void {
    send({ type: "queued", ...where(m) });
  }

  onTestModuleCollected(m: TestModule): void {
    send({ type: "collected", ...where(m) });
  }

  onTestCaseResult(test: TestCase): void {
    const result = test.result();
    const meta = (test.meta() as Record<string, unknown>)[META_KEY] as GradedMeta | undefined;
    send({
      type: "test",
      ...where(test.module),
      name: test.name,
      state: result.state,
      errors: errorsOf(result.errors),
      meta: meta ?? null,
      durationMs: test.diagnostic()?.duration ?? 0,
    });
  }

  onTestModuleEnd(m: TestModule): void {
    send({ type: "moduleEnd", ...where(m), state: m.state(), errors: errorsOf(m.errors()) });
  }

  onUserConsoleLog(log: { content: string; type: string; taskId?: string }): void {
    if (log.content.startsWith(WORKER_PID_MARKER)) {
      const task = log.taskId ? this.vitest?.state.idMap.get(log.taskId) : undefined;
      const file = task?.file;
      const pid = Number(log.content.slice(WORKER_PID_MARKER.length));
      if (file && Number.isInteger(pid) && !this.pids.has(file.id)) {
        this.pids.add(file.id);
        send({ type: "worker", project: file.projectName ?? "", file: file.filepath, pid });
      }
      return;
    }
    if (process.env.RL_FORWARD_LOGS === "1") send({ type: "log", stream: log.type === "stderr" ? "stderr" : "stdout", text: log.content.slice(0, 10_000) });
  }

  onTestRunEnd(_modules: ReadonlyArray<TestModule>, unhandled: ReadonlyArray<{ name?: string; message?: string; stack?: string }>, reason: string): void {
    send({ type: "runEnd", reason, errors: errorsOf(unhandled) });
  }
}

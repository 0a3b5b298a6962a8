/**
 * The notebook judge: a process a notebook kernel starts once (through grader/api.ts) and keeps,
 * so that check() after the first costs a grading and not a start-up. It keeps the test runner,
 * the type checker (with the library's types parsed) and the compiled sandbox runtime warm, and
 * answers one request at a time over its IPC channel:
 *
 *   { id, kind: "check", exercises: ["05"] }          -> { id, report }        (public tests of exercises/)
 *   { id, kind: "replay", request: ReplayRequest }    -> { id, outcome, drawn? }
 *
 * It grades exactly as `npm run grade` does (engine/grade.ts): the student's code runs in sandbox
 * processes, never here. It exits when the kernel that started it goes away.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadExercises, selectExercises } from "./engine/exercises";
import { gradeSubmissions, type Warm } from "./engine/grade";
import { libBundle } from "./engine/lib-bundle";
import { failedReport } from "./engine/report";
import { GradingRunner } from "./engine/run-vitest";
import { Screener } from "./engine/screener";
import { TypeChecker } from "./engine/type-checker";
import { recordLatest } from "./latest";
import { ROOT } from "./project";
import type { JudgeRequestBody } from "./api";
import { firstDrawing, replayCase } from "./replay";
import { sandboxRuntime } from "./sandbox/runtime";

type JudgeRequest = JudgeRequestBody & { id: number };

const scratch = mkdtempSync(join(tmpdir(), "rl-judge-"));
let warm: Promise<Warm> | undefined;

/** The runner, type checker and screener, made on first use and kept. */
function warmUp(): Promise<Warm> {
  warm ??= (async () => {
    const bundle = await libBundle(ROOT);
    await sandboxRuntime(ROOT);
    const runner = await GradingRunner.create({ root: ROOT, cacheDir: join(scratch, "vite-cache"), maxWorkers: 2, libBundle: bundle, projects: ["p0"] });
    // The type check runs beside the tests at a lower priority: a check shows its result without
    // waiting for it (errors not ready in time come with the next check).
    // The screen runs in this thread, without the limit of CPU time a grading call holds each file
    // to: a worker of its own would cost the first check a second load of TypeScript, and here a
    // file that takes the parser long costs only its own author's time.
    return { runner, projects: ["p0"], typeChecker: new TypeChecker(bundle, { lowPriority: true }), screener: new Screener(undefined) };
  })();
  return warm;
}

async function handle(request: JudgeRequest): Promise<Record<string, unknown>> {
  if (request.kind === "check") {
    let exercises = loadExercises(ROOT);
    try {
      exercises = selectExercises(exercises, request.exercises);
      const [report] = await gradeSubmissions([{ dir: join(ROOT, "exercises"), display: "exercises" }], {
        root: ROOT,
        exercises,
        publicOnly: true,
        warm: await warmUp(),
        // A student waits for the tests, not for the type check (the first one of a kernel takes
        // seconds): errors not ready by then show with the next check.
        typeCheckWaitMs: 250,
      });
      recordLatest(ROOT, report);
      return { report };
    } catch (error) {
      return { report: failedReport(exercises, "exercises", `the grader failed before it could score this: ${(error as Error).message}`, true) };
    }
  }
  const outcome = await replayCase({ ...request.request, draw: true }, { warm: await warmUp() });
  const found = outcome.ran.length > 0 && outcome.exercise ? firstDrawing(outcome.exercise.id, outcome.ran) : { why: "" };
  return { outcome: { text: outcome.text, code: outcome.code }, ...("drawn" in found ? { drawn: found.drawn } : { why: found.why }) };
}

let queue: Promise<void> = Promise.resolve();
process.on("message", (message: JudgeRequest) => {
  queue = queue.then(async () => {
    let reply: Record<string, unknown>;
    try {
      reply = await handle(message);
    } catch (error) {
      reply = { error: (error as Error).message };
    }
    process.send?.({ id: message.id, ...reply });
  });
});

// Gone with the kernel: its channel closes when it exits, however it exits.
process.on("disconnect", () => {
  rmSync(scratch, { recursive: true, force: true });
  process.exit(0);
});
// Start warming up while the first request is on its way.
void warmUp().catch(() => {
  warm = undefined;
});

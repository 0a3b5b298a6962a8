/**
 * The kept-threads pool: a runner run again uses the thread of its last run, which reports the new
 * run's results as a new thread would; a thread stopped while it still ran is not kept.
 */
import { EventEmitter } from "node:events";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, expect, test } from "vitest";
import type { Reporter, TestCase, Vitest } from "vitest/node";
import { endKeptThreads, keptThreadCount, keptThreads } from "./kept-threads";

const root = resolve(fileURLToPath(new URL(".", import.meta.url)), "../..");
let dir: string;

beforeEach(() => {
  // Inside the project, so that the test file finds vitest in node_modules.
  const cache = join(root, "node_modules", ".cache");
  mkdirSync(cache, { recursive: true });
  dir = mkdtempSync(join(cache, "kept-threads-test-"));
  // Reports its thread, and passes or fails as the run's provided context says (or waits first).
  writeFileSync(
    join(dir, "probe.test.ts"),
    `import { threadId } from "node:worker_threads";
     import { inject, test } from "vitest";
     test("probe", async () => {
       const want = inject("want" as never) as { pass: boolean; waitMs: number };
       console.log("thread " + threadId);
       if (want.waitMs > 0) await new Promise((r) => setTimeout(r, want.waitMs));
       if (!want.pass) throw new Error("asked to fail");
     });`,
  );
});

afterEach(async () => {
  await endKeptThreads();
  rmSync(dir, { recursive: true, force: true });
});

interface Outcome {
  threads: number[];
  states: string[];
}

async function runner(): Promise<{
  vitest: Vitest;
  run: (want: { pass: boolean; waitMs: number }, cancelAfterMs?: number) => Promise<Outcome>;
  /** What the run under way has reported so far. */
  current: () => Outcome;
}> {
  const { createVitest, ThreadsPoolWorker } = await import("vitest/node");
  let outcome: Outcome = { threads: [], states: [] };
  const reporter: Reporter = {
    onUserConsoleLog: (log) => {
      const m = /thread (\d+)/.exec(log.content);
      if (m) outcome.threads.push(Number(m[1]));
    },
    onTestCaseResult: (t: TestCase) => {
      outcome.states.push(t.result().state);
    },
  };
  const vitest = await createVitest(
    "test",
    { root: dir, config: false, watch: false, pool: keptThreads(ThreadsPoolWorker), maxWorkers: 1, isolate: false, reporters: [reporter], include: ["probe.test.ts"] },
    { cacheDir: join(dir, "vite-cache"), logLevel: "silent" },
  );
  const project = vitest.projects[0];
  const spec = project.createSpecification(join(dir, "probe.test.ts"));
  return {
    vitest,
    run: async (want, cancelAfterMs) => {
      outcome = { threads: [], states: [] };
      project.provide("want" as never, want as never);
      const timer = cancelAfterMs === undefined ? undefined : setTimeout(() => void vitest.cancelCurrentRun("keyboard-input"), cancelAfterMs);
      await vitest.runTestSpecifications([spec], false);
      clearTimeout(timer);
      // The runner's thread is stopped (and kept) just after the run ends.
      for (let i = 0; i < 100 && keptThreadCount() === 0; i++) await new Promise((r) => setTimeout(r, 20));
      return outcome;
    },
    current: () => outcome,
  };
}

test("a runner run again uses the same thread, and each run reports its own results", async () => {
  const { vitest, run } = await runner();
  try {
    const first = await run({ pass: true, waitMs: 0 });
    expect(first.states).toEqual(["passed"]);
    expect(keptThreadCount()).toBe(1);
    const second = await run({ pass: false, waitMs: 0 });
    expect(second.states).toEqual(["failed"]);
    const third = await run({ pass: true, waitMs: 0 });
    expect(third.states).toEqual(["passed"]);
    expect(first.threads).toHaveLength(1);
    expect(second.threads).toEqual(first.threads);
    expect(third.threads).toEqual(first.threads);
    expect(keptThreadCount()).toBe(1);
  } finally {
    await vitest.close();
  }
  await endKeptThreads(vitest.projects[0]);
  expect(keptThreadCount()).toBe(0);
}, 60_000);

test("a cancelled run's thread ends its file first; kept after that, it runs the next run", async () => {
  const { vitest, run } = await runner();
  try {
    const first = await run({ pass: true, waitMs: 0 });
    await run({ pass: true, waitMs: 1_000 }, 200);
    expect(keptThreadCount()).toBe(1);
    const after = await run({ pass: false, waitMs: 0 });
    expect(after.states).toEqual(["failed"]);
    expect(after.threads).toEqual(first.threads);
  } finally {
    await vitest.close();
  }
}, 60_000);

test("closing the runner mid-run lets the file end and keeps its thread, which ending the project's threads ends", async () => {
  const { vitest, run, current } = await runner();
  const first = await run({ pass: true, waitMs: 0 });
  const running = run({ pass: true, waitMs: 1_000 }).catch(() => undefined);
  for (let i = 0; i < 500 && current().threads.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
  expect(current().threads).toEqual(first.threads); // the file runs, in the kept thread
  expect(keptThreadCount()).toBe(0);
  await vitest.close();
  await running;
  expect(current().states).toEqual(["passed"]);
  expect(keptThreadCount()).toBe(1);
  await endKeptThreads(vitest.projects[0]);
  expect(keptThreadCount()).toBe(0);
}, 60_000);

/** A stand-in for vitest's ThreadsPoolWorker: records what the pool asks of the thread. */
class FakeThreads {
  static made: FakeThreads[] = [];
  readonly name = "threads";
  readonly sent: string[] = [];
  ended = false;
  readonly events = new EventEmitter();
  readonly thread = { ref: () => undefined, unref: () => undefined };
  constructor() {
    FakeThreads.made.push(this);
  }
  on(event: string, callback: (arg: unknown) => void): void {
    this.events.on(event, callback);
  }
  off(event: string, callback: (arg: unknown) => void): void {
    this.events.off(event, callback);
  }
  send(message: { type?: string }): void {
    this.sent.push(message.type ?? "rpc");
  }
  async start(): Promise<void> {}
  async stop(): Promise<void> {
    this.ended = true;
  }
  deserialize(data: unknown): unknown {
    return data;
  }
}

/** One runner's life in the pool, as vitest's PoolRunner drives it; returns the messages the runner received. */
async function life(project: object, steps: ("start" | "run" | "finished" | "stop" | "error" | "end")[]): Promise<string[]> {
  const pool = keptThreads(FakeThreads as never);
  const worker = pool.createPoolWorker({ project } as never);
  const received: string[] = [];
  worker.on("message", (m: { type?: string }) => received.push(m.type ?? "?"));
  worker.on("error", () => received.push("error"));
  const request = (type: string) => worker.send({ __vitest_worker_request__: true, type } as never);
  for (const step of steps) {
    if (step === "start") {
      await worker.start();
      request("start");
    } else if (step === "run") request("run");
    else if (step === "finished") FakeThreads.made.at(-1)!.events.emit("message", { __vitest_worker_response__: true, type: "testfileFinished" });
    else if (step === "stop") request("stop");
    else if (step === "error") FakeThreads.made.at(-1)!.events.emit("error", new Error("boom"));
    else await worker.stop();
    await new Promise((r) => setImmediate(r));
  }
  return received;
}

test("the pool keeps a thread only when it was asked to stop while idle, and never one that failed", async () => {
  FakeThreads.made = [];
  const project = {};
  // A clean run: the stop is answered by the pool, the thread is kept, not ended.
  expect(await life(project, ["start", "run", "finished", "stop", "end"])).toEqual(["testfileFinished", "stopped"]);
  expect(FakeThreads.made).toHaveLength(1);
  expect(FakeThreads.made[0].sent).toEqual(["start", "run"]);
  expect(FakeThreads.made[0].ended).toBe(false);
  expect(keptThreadCount()).toBe(1);
  // The next runner of the project gets it; its "start" is answered by the pool (the thread is started).
  expect(await life(project, ["start", "run", "finished", "stop", "end"])).toEqual(["started", "testfileFinished", "stopped"]);
  expect(FakeThreads.made).toHaveLength(1);
  expect(FakeThreads.made[0].sent).toEqual(["start", "run", "run"]);
  // Another project does not get it.
  await life({}, ["start", "end"]);
  expect(FakeThreads.made).toHaveLength(2);
  expect(FakeThreads.made[1].ended).toBe(true); // never asked to stop: a forced stop ends it
  await endKeptThreads();
  expect(FakeThreads.made[0].ended).toBe(true);

  // Asked to stop while its file runs: the stop goes to the thread, which is ended.
  FakeThreads.made = [];
  await life(project, ["start", "run", "stop", "end"]);
  expect(FakeThreads.made[0].sent).toEqual(["start", "run", "stop"]);
  expect(FakeThreads.made[0].ended).toBe(true);
  expect(keptThreadCount()).toBe(0);

  // A thread that failed is ended, whatever came after.
  FakeThreads.made = [];
  await life(project, ["start", "run", "finished", "error", "stop", "end"]);
  expect(FakeThreads.made[0].ended).toBe(true);
  expect(keptThreadCount()).toBe(0);

  // A kept thread that fails while it waits is ended and forgotten.
  FakeThreads.made = [];
  await life(project, ["start", "run", "finished", "stop", "end"]);
  expect(keptThreadCount()).toBe(1);
  FakeThreads.made[0].events.emit("exit", 1);
  await new Promise((r) => setImmediate(r));
  expect(keptThreadCount()).toBe(0);
  expect(FakeThreads.made[0].ended).toBe(true);
});

/**
 * vitest's worker threads, kept from one run to the next.
 *
 * vitest's own "threads" pool ends every worker thread when a run ends, so a runner that is run
 * again (the notebook judge: one run per `check()`) started a new thread each time: it loaded the
 * test files' modules and the library again and ran the simulator cold, JIT warm-up included, on
 * every check. This pool is vitest's threads pool with one difference: at the end of a run, a
 * thread that finished its work and was asked to stop is kept, started, for the project's next
 * run, which sends it its files as vitest does for the second file of a run (with `isolate: false`
 * a thread already runs file after file of every submission: grading needs nothing more than what
 * a run of many files needs). Measured on a notebook-like kernel, a warm `check()` took a third to
 * two fifths less wall time and about half the CPU time (grader/README.md, Speed).
 *
 * Only the grader's own code runs in these threads: student code runs in sandbox processes
 * (student.ts). A thread is kept only when it stopped cleanly: a thread stopped while it was still
 * running (a cancelled run: the call's deadline), stopped by force, or that failed or exited, ends
 * as vitest would end it, and the next run starts a new one.
 *
 * Written against vitest's pool interface (`PoolRunnerInitializer`, vitest 4, marked experimental
 * there): vitest has no option to keep threads between runs, and this is the smallest change that
 * does it. engine/kept-threads.test.ts checks the behaviour this relies on.
 */
import { EventEmitter } from "node:events";
import type { PoolOptions, PoolRunnerInitializer, PoolWorker, ThreadsPoolWorker, WorkerRequest } from "vitest/node";

export const KEPT_THREADS = "kept-threads";

/** A started thread waiting for the next run of its project. */
interface Parked {
  worker: ThreadsPoolWorker;
  /** Stops watching for the thread failing or exiting while it waits (which ends it). */
  unwatch: () => void;
}

/** Started threads between runs, by vitest project. */
const parked = new Map<object, Parked[]>();

type Message = { __vitest_worker_response__?: boolean; type?: string };
const response = (type: string): Message => ({ __vitest_worker_response__: true, type });

/** Threads kept between runs, for this process. */
export function keptThreadCount(): number {
  return [...parked.values()].reduce((n, list) => n + list.length, 0);
}

/** Ends the threads kept for `project` (a vitest project that will not run again), or every kept thread. */
export async function endKeptThreads(project?: object): Promise<void> {
  const ended = project === undefined ? [...parked.values()].flat() : (parked.get(project) ?? []);
  if (project === undefined) parked.clear();
  else parked.delete(project);
  await Promise.all(ended.map((p) => (p.unwatch(), endThread(p.worker))));
}

async function endThread(worker: ThreadsPoolWorker): Promise<void> {
  try {
    await worker.stop();
  } catch {
    // already gone
  }
}

/** The pool, for vitest's `pool` option; `Threads` is vitest/node's ThreadsPoolWorker. */
export function keptThreads(Threads: typeof ThreadsPoolWorker): PoolRunnerInitializer {
  return { name: KEPT_THREADS, createPoolWorker: (options) => new KeptThread(options, Threads) };
}

class KeptThread implements PoolWorker {
  readonly name = KEPT_THREADS;
  private inner: ThreadsPoolWorker | undefined;
  /** A kept thread: vitest's "start" for it is answered here (the thread is started already). */
  private reused = false;
  /** A file is running (a "run" or "collect" sent, its "testfileFinished" not yet back). */
  private running = false;
  /** Stopped cleanly: asked to stop while idle, answered here; the thread is kept. */
  private keep = false;
  private failed = false;
  private readonly events = new EventEmitter();

  constructor(
    private readonly options: PoolOptions,
    private readonly Threads: typeof ThreadsPoolWorker,
  ) {}

  on(event: string, callback: (arg: unknown) => void): void {
    this.events.on(event, callback);
  }

  off(event: string, callback: (arg: unknown) => void): void {
    this.events.off(event, callback);
  }

  deserialize(data: unknown): unknown {
    return data;
  }

  async start(): Promise<void> {
    if (this.inner) return; // vitest may start a runner it shares again
    const kept = parked.get(this.options.project)?.pop();
    if (kept) {
      kept.unwatch();
      this.inner = kept.worker;
      this.reused = true;
      (this.inner as unknown as { thread: { ref(): void } }).thread.ref();
    } else {
      this.inner = new this.Threads(this.options);
      await this.inner.start();
    }
    this.inner.on("message", this.onMessage);
    this.inner.on("error", this.onError);
    this.inner.on("exit", this.onExit);
  }

  send(message: WorkerRequest): void {
    const request = message as { __vitest_worker_request__?: boolean; type?: string };
    if (request.__vitest_worker_request__ === true) {
      if (request.type === "start" && this.reused) {
        setImmediate(() => this.events.emit("message", response("started")));
        return;
      }
      if (request.type === "stop" && !this.running && !this.failed) {
        this.keep = true;
        setImmediate(() => this.events.emit("message", response("stopped")));
        return;
      }
      if (request.type === "run" || request.type === "collect") this.running = true;
    }
    this.inner!.send(message);
  }

  async stop(): Promise<void> {
    const inner = this.inner;
    if (!inner) return;
    this.inner = undefined;
    inner.off("message", this.onMessage);
    inner.off("error", this.onError);
    inner.off("exit", this.onExit);
    if (!(this.keep && !this.running && !this.failed)) {
      await endThread(inner);
      return;
    }
    const thread = (inner as unknown as { thread: { unref(): void } }).thread;
    // Waiting, it keeps nothing alive; one that fails or exits meanwhile is ended and forgotten.
    thread.unref();
    const list = parked.get(this.options.project) ?? [];
    parked.set(this.options.project, list);
    const drop = (): void => {
      unwatch();
      const i = list.indexOf(entry);
      if (i >= 0) list.splice(i, 1);
      void endThread(inner);
    };
    const unwatch = (): void => {
      inner.off("error", drop);
      inner.off("exit", drop);
    };
    const entry: Parked = { worker: inner, unwatch };
    inner.on("error", drop);
    inner.on("exit", drop);
    list.push(entry);
  }

  private readonly onMessage = (message: unknown): void => {
    const m = message as Message | null;
    if (m && typeof m === "object" && m.__vitest_worker_response__ === true && m.type === "testfileFinished") this.running = false;
    this.events.emit("message", message);
  };

  private readonly onError = (error: unknown): void => {
    this.failed = true;
    this.events.emit("error", error);
  };

  private readonly onExit = (code: unknown): void => {
    this.failed = true;
    this.events.emit("exit", code);
  };
}

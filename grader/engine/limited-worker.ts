/**
 * A worker thread that answers requests, each held to a limit of CPU time: TypeScript's worker
 * (ts-worker.ts), which screens a submission's files, compiles them with esbuild and type-checks
 * them. Both compilers can be made to take minutes over a file a submission wrote; a request past
 * its limit ends with its worker (and the esbuild process the worker started), and the next
 * request starts a new one. A request's CPU time is the thread's and its child processes', so one
 * worker is asked one thing at a time.
 *
 * The worker's side is `serveRequests`: once its modules are loaded it says so, with its Linux
 * thread id (the CPU time a request has used is read from /proc by it; elsewhere the limit is on
 * the wall clock), then answers each request with its handler's result or the message of what it
 * threw.
 */
import { existsSync, readFileSync } from "node:fs";
import { setPriority } from "node:os";
import { join } from "node:path";
import { parentPort, Worker, workerData } from "node:worker_threads";
import { procStat, threadId } from "./proc-stat";

/** How often a request's CPU time is read, ms. */
const TICK_MS = 250;

/** A request may take this many times its CPU limit on the wall clock (the sandbox's rule too). */
export const WALL_FACTOR = 10;

/**
 * CPU time a thread of this process has used, with the processes it started that still run (the
 * compiler's esbuild), ms (Linux; undefined elsewhere or once the thread has ended).
 */
function threadCpuMs(tid: number): number | undefined {
  const own = procStat(`self/task/${tid}`)?.cpuMs;
  if (own === undefined) return undefined;
  let children: string[] = [];
  try {
    children = readFileSync(`/proc/self/task/${tid}/children`, "utf8").trim().split(/\s+/).filter(Boolean);
  } catch {
    // a kernel without the list: the thread's own time
  }
  return children.reduce((sum, pid) => sum + (procStat(pid)?.cpuMs ?? 0), own);
}

function duration(ms: number): string {
  return ms >= 1_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms)} ms`;
}

/** A request's answer: the handler's result, or why there is none (what limit it passed, or what it threw). */
export type Answer<R> = { result: R } | { stopped: string } | { error: string };

interface Reply<R> {
  id: number;
  result?: R;
  error?: string;
  /** The worker has loaded its modules; `tid` is its thread id (Linux). */
  ready?: true;
  tid?: number;
}

/** The compiled TypeScript worker in a folder of precompiled modules (lib-bundle.ts), if it is there. */
export function tsWorkerScript(libBundle: string | undefined): string | undefined {
  const script = libBundle ? join(libBundle, "grader", "engine", "ts-worker.mjs") : undefined;
  return script && existsSync(script) ? script : undefined;
}

export class LimitedWorker {
  private worker: Worker | undefined;
  /** The worker's thread id, once it has said it (Linux): its CPU time is what a request's limit counts. */
  private tid: number | undefined;
  /** Settled once the worker has loaded its modules, or has ended. */
  private ready: Promise<void> = Promise.resolve();
  private loaded = false;
  private nextId = 1;
  private readonly waiting = new Map<number, (answer: Answer<unknown>) => void>();

  /**
   * `script`: the worker's compiled module (it calls `serveRequests`). `lowPriority`: the worker
   * thread yields the CPU to everything else of this process (Linux).
   */
  constructor(
    private readonly script: string,
    private readonly options: { lowPriority?: boolean } = {},
  ) {}

  /** Starts the worker now (it loads its modules while the caller goes on), if it is not running. */
  start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.script, { workerData: { lowPriority: this.options.lowPriority === true } });
    this.worker = worker;
    worker.unref();
    this.tid = undefined;
    this.loaded = false;
    let isReady!: () => void;
    this.ready = new Promise<void>((resolve) => (isReady = resolve));
    worker.on("message", (m: Reply<unknown>) => {
      if (m.ready) {
        // A stopped worker's id, arriving late, is not the current worker's.
        if (this.worker === worker) {
          this.tid = m.tid;
          this.loaded = true;
        }
        isReady();
        return;
      }
      const answer = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      answer?.(m.error !== undefined ? { error: m.error } : { result: m.result });
    });
    worker.on("error", (error) => this.failAll(error.message, worker));
    worker.on("exit", (code) => {
      isReady();
      this.failAll(`its worker stopped (exit code ${code})`, worker);
    });
    return worker;
  }

  /**
   * Asks the worker (started if need be). The request is stopped, with the worker, once the
   * worker's thread has used `limitMs` of CPU time (a new worker's start included), or at `wallMs`
   * on the wall clock (a machine so busy that the request never gets a core, or the caller's time
   * running out); where a thread's CPU time cannot be read (not Linux), at `limitMs` on the wall
   * clock. With `startWallMs`, a new worker's start is not counted: the request is sent once the
   * worker has loaded its modules, which may take up to `startWallMs` (a limit shorter than a
   * start would otherwise stop it); a worker not ready by then is an error.
   */
  async ask<R>(kind: string, request: unknown, limitMs: number, wallMs: number, options: { startWallMs?: number } = {}): Promise<Answer<R>> {
    const worker = this.worker ?? this.start();
    const startWallMs = options.startWallMs;
    if (startWallMs !== undefined) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = await Promise.race([this.ready.then(() => false), new Promise<boolean>((done) => (timer = setTimeout(done, Math.min(startWallMs, 2 ** 31 - 1), true)))]);
      clearTimeout(timer);
      if (late) {
        if (this.worker === worker) this.close();
        return { error: `its worker did not start within ${duration(startWallMs)}` };
      }
      if (this.worker !== worker) return { error: "its worker stopped before it was ready" };
    }
    const id = this.nextId++;
    const started = Date.now();
    // A worker that has not said it is ready is still starting: its CPU time so far counts.
    const cpuBefore = this.tid === undefined ? 0 : (threadCpuMs(this.tid) ?? 0);
    let timer: ReturnType<typeof setTimeout> | undefined;
    return new Promise<Answer<R>>((resolve) => {
      const settle = (answer: Answer<R>) => {
        clearTimeout(timer);
        this.waiting.delete(id);
        resolve(answer);
      };
      const stop = (why: string) => {
        this.waiting.delete(id);
        if (this.worker === worker) this.close();
        settle({ stopped: why });
      };
      const tick = () => {
        const wall = Date.now() - started;
        const cpu = this.tid === undefined || this.worker !== worker ? undefined : threadCpuMs(this.tid);
        const readable = cpu !== undefined || (!this.loaded && process.platform === "linux");
        const cap = readable ? wallMs : Math.min(limitMs, wallMs);
        if (cpu !== undefined && cpu - cpuBefore > limitMs) stop(`used more than ${duration(limitMs)} of CPU time`);
        else if (wall > cap) stop(`took longer than ${duration(cap)}`);
        else timer = setTimeout(tick, Math.min(TICK_MS, limitMs));
      };
      this.waiting.set(id, settle as (answer: Answer<unknown>) => void);
      timer = setTimeout(tick, Math.min(TICK_MS, limitMs));
      worker.postMessage({ id, kind, request });
    });
  }

  /**
   * Asks the worker for something a submission's file decides the cost of (the screen of a file,
   * a build): `limitMs` of CPU time, not counting a new worker's start, and ten times that on the
   * wall clock, never past `endsAt` (a time from Date.now(): the grading call's end).
   */
  askWithin<R>(kind: string, request: unknown, limitMs: number, endsAt: number): Promise<Answer<R>> {
    const left = Math.max(1, endsAt - Date.now());
    return this.ask<R>(kind, request, limitMs, Math.min(WALL_FACTOR * limitMs, left), { startWallMs: left });
  }

  /** Stops the worker; requests still waiting for it end with an error. */
  close(): void {
    const worker = this.worker;
    if (!worker) return;
    this.failAll("its worker was stopped", worker);
    void worker.terminate();
  }

  private failAll(message: string, worker: Worker): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    const waiting = [...this.waiting.values()];
    this.waiting.clear();
    for (const answer of waiting) answer({ error: message });
  }
}

/**
 * The worker's side: says this thread's id, lowers its priority if asked, then answers each
 * request with the result of the handler of its kind (structured-cloned), or the message of what
 * it threw.
 */
export function serveRequests(handlers: Record<string, (request: never) => unknown>): void {
  const port = parentPort;
  if (!port) throw new Error("serveRequests runs in a worker thread");
  const tid = threadId();
  port.postMessage({ ready: true, tid });
  // On Linux a thread has a priority of its own, set through its thread id.
  if (tid !== undefined && (workerData as { lowPriority?: boolean } | undefined)?.lowPriority) {
    try {
      setPriority(tid, 10);
    } catch {
      // not allowed: requests run at the usual priority
    }
  }
  port.on("message", (message: { id: number; kind: string; request: unknown }) => {
    const failed = (error: unknown) => port.postMessage({ id: message.id, error: error instanceof Error ? error.message : String(error) });
    try {
      const handle = Object.hasOwn(handlers, message.kind) ? handlers[message.kind] : undefined;
      if (!handle) throw new Error(`no handler for ${JSON.stringify(message.kind)} requests`);
      // A handler may answer later (the compiler waits for esbuild).
      Promise.resolve(handle(message.request as never)).then((result) => port.postMessage({ id: message.id, result }), failed);
    } catch (error) {
      failed(error);
    }
  });
}

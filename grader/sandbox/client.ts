/**
 * The judge's end of one sandbox: starts the process (launch.ts), sends it requests, reads its
 * replies as plain data, and stops it from outside when a request runs past its limit.
 *
 * A request's limit counts the sandbox's CPU time (read from /proc, so that a busy machine does not
 * turn a slow but correct answer into a "hang"), and its wall-clock time with a cap that stops
 * code that waits without using the CPU (a promise that never settles, `Atomics.wait`). Either
 * way the whole process group is killed: nothing inside the sandbox can hold the judge.
 *
 * Between questions the sandbox is stopped (SIGSTOP), and resumed when the next one comes: what its
 * code left running after it answered (a timer, a loop in a callback, a finalizer) would otherwise
 * use a core while the judge checks the answer, uncounted, for as long as the judge takes. It runs
 * when the sandbox resumes, on the next question's time.
 */
import { readFileSync } from "node:fs";
import type { Writable } from "node:stream";
import { procStat } from "../engine/proc-stat";
import { isolation, killGroup, pauseGroup, sandboxCommand, type LaunchOptions } from "./launch";
import { READY, type ErrorInfo, type RequestBody } from "./protocol";
import { startProcess } from "./spawn";
import { FrameReader } from "./wire";

/** The sandbox stopped answering: killed for its time limit, or its process died. */
export class SandboxStopped extends Error {
  override readonly name = "SandboxStopped";
  constructor(
    message: string,
    /** "cpu" or "wall" when killed for time, "died" otherwise. */
    readonly why: "cpu" | "wall" | "died",
  ) {
    super(message);
  }
}

/** An error the student's code threw inside the sandbox, with its name and message as data. */
export class StudentError extends Error {
  readonly stackText: string;
  constructor(info: ErrorInfo) {
    super(String(info.message).slice(0, 4_000));
    this.name = String(info.name).slice(0, 200);
    this.stackText = String(info.stack).slice(0, 4_000);
  }
}

export interface Limit {
  /** CPU time the request may use, ms. */
  cpuMs: number;
  /** Wall-clock time it may spend asleep (waiting on something rather than working), ms. */
  wallMs: number;
  /** It is stopped past this many times `wallMs` on the plain wall clock, even while working (default 10). */
  starvedFactor?: number;
}

/** Time a request took in the sandbox. */
export interface Spent {
  cpuMs: number;
  wallMs: number;
}

/** Starting a sandbox (before any student code runs): a generous wall-clock limit for a busy machine. */
export const START_LIMIT: Limit = { cpuMs: 10_000, wallMs: 20_000 };
const FRAME_CHARS_MAX = 64 * 1024 * 1024;
/**
 * The most values a reply may hold, counted before it is parsed as the characters that open a
 * value or separate two (`{`, `[`, `,`; those inside strings count too, so this overcounts). The
 * sandbox's encoder sends at most 2,000,000 parts (wire.ts); JSON.parse takes about half a
 * second per million objects, and runs on the judge's thread, so a frame of tens of millions of
 * `{}` sent straight to the channel (24 s to parse 63 MB of them) would stall the judge.
 */
const FRAME_VALUES_MAX = 4_000_000;
/** Frames shorter than this cannot hold FRAME_VALUES_MAX values worth counting. */
const COUNT_FROM_CHARS = 1024 * 1024;
const OUTPUT_KEPT_CHARS = 16_000;
const POLL_MS = 25;
/** A request is stopped past this many times its wall-clock limit, even while it keeps working. */
const STARVED_FACTOR = 10;

const now = (): number => Number(process.hrtime.bigint()) / 1e6;

export class Sandbox {
  /** The process the sandbox was started as (the launcher's, when unshare forks the Node process). */
  private pid: number | undefined;
  private channel: Writable | undefined;
  private started = false;
  private nodePid: number | undefined;
  /** Stopped between questions (pauseGroup). */
  private paused = false;
  private nextId = 1;
  /** Time this (judge's) thread has spent reading the sandbox's replies, ms: charged to the requests. */
  private reading = 0;
  private pending: { id: number; resolve: (reply: Record<string, unknown>) => void; reject: (error: Error) => void } | undefined;
  private output = "";
  private exited: string | undefined;
  private ready: Promise<void> | undefined;

  constructor(
    private readonly options: LaunchOptions & {
      onOutput?: (stream: "stdout" | "stderr", text: string) => void;
      /** Start it from this process, not through the launcher (spawn.ts; the default on Windows). */
      startHere?: boolean;
    },
  ) {}

  /** What the sandbox printed last (up to 16 000 characters), for messages. */
  get printed(): string {
    return this.output;
  }

  /** Time this thread has spent reading the sandbox's replies, ms (charged to the requests as CPU time). */
  get readingMs(): number {
    return this.reading;
  }

  /**
   * Resolves once what the process printed has all been read (its stdout and stderr ended, as
   * they do when it is stopped), or at once if it never started: a check's report shows what the
   * code printed up to its last line (student.ts).
   */
  outputRead(): Promise<void> {
    return this.outputEnded;
  }

  private outputEnded: Promise<void> = Promise.resolve();

  get alive(): boolean {
    return this.started && this.exited === undefined;
  }

  /** Starts the process; resolves once it is ready for requests. */
  start(): Promise<void> {
    this.started = true;
    this.ready ??= this.spawn();
    return this.ready;
  }

  private spawn(): Promise<void> {
    const [command, ...args] = sandboxCommand(this.options);
    const proc = startProcess(this.options.runtimeDir, command, args, this.options.runtimeDir, this.options.startHere);
    proc.onEnd((end) =>
      this.onExit("error" in end ? `${this.pid === undefined ? "it could not be started" : "its process was stopped"}: ${end.error}` : this.describeExit(end.code, end.signal)),
    );
    const keep = (stream: "stdout" | "stderr") => (chunk: Buffer) => {
      const text = chunk.toString("utf8");
      this.output = (this.output + text).slice(-OUTPUT_KEPT_CHARS);
      this.options.onOutput?.(stream, text);
    };
    let outputRead = (): void => {};
    this.outputEnded = new Promise((done) => (outputRead = done));
    let greeted: (() => void) | undefined;
    const frames = new FrameReader(
      (text) => {
        if (greeted) {
          if (text === READY) greeted();
          return;
        }
        this.onReply(text);
      },
      () => this.kill("died", `the exercise's process sent a reply over ${FRAME_CHARS_MAX / 1024 / 1024} MB`),
      FRAME_CHARS_MAX,
    );
    return new Promise<void>((resolve, reject) => {
      greeted = () => {
        greeted = undefined;
        this.nodePid = findNodePid(this.pid!);
        resolve();
      };
      this.pending = { id: 0, resolve: () => resolve(), reject };
      this.watch(0, START_LIMIT, now(), 0, this.reading).catch(reject);
      proc.started.then(
        ({ pid, stdout, stderr, channel }) => {
          this.pid = pid;
          this.channel = channel;
          // Stopped while it was starting: its group goes now.
          if (this.exited !== undefined) killGroup(pid);
          stdout.on("data", keep("stdout"));
          stderr.on("data", keep("stderr"));
          stdout.on("error", () => {});
          stderr.on("error", () => {});
          void Promise.all([stdout, stderr].map((stream) => new Promise((closed) => stream.once("close", closed)))).then(outputRead);
          channel.setEncoding("utf8");
          channel.on("data", (chunk: string) => frames.push(chunk));
          channel.on("error", () => {});
        },
        () => outputRead(), // onEnd says why
      );
    }).finally(() => {
      this.pending = undefined;
    });
  }

  /**
   * Sends a request and resolves with the reply (parsed JSON, to be checked by the caller), or
   * rejects with SandboxStopped when it ran past `limit` or the process died. Requests made while
   * another is answered wait their turn; each one's limit counts from when its turn comes.
   */
  request(request: RequestBody, limit: Limit): Promise<{ reply: Record<string, unknown>; spent: Spent }> {
    const turn = this.queue.then(() => this.send(request, limit));
    this.queue = turn.then(
      () => undefined,
      () => undefined,
    );
    return turn;
  }

  private queue: Promise<void> = Promise.resolve();

  private async send(request: RequestBody, limit: Limit): Promise<{ reply: Record<string, unknown>; spent: Spent }> {
    await this.start();
    if (this.exited !== undefined) throw new SandboxStopped(this.exited, "died");
    const id = this.nextId++;
    const startedWall = now();
    const startedCpu = this.cpuMs();
    const startedReading = this.reading;
    const reply = new Promise<Record<string, unknown>>((resolve, reject) => {
      this.pending = { id, resolve, reject };
    });
    this.pause(false);
    this.channel!.write(`${JSON.stringify({ ...request, id })}\n`);
    const watching = this.watch(id, limit, startedWall, startedCpu, startedReading);
    try {
      const result = await Promise.race([reply, watching.then(() => reply)]);
      // Stopped until the next question: what it does after answering runs then, on that
      // question's time.
      this.pause(true);
      // The judge's time reading the reply is the request's too: a reply made to be slow to read
      // uses up the case's and the exercise's CPU time like a slow answer.
      const readingMs = this.reading - startedReading;
      return { reply: result, spent: { cpuMs: Math.max(0, this.cpuMs() - startedCpu) + readingMs, wallMs: now() - startedWall } };
    } finally {
      this.pending = undefined;
    }
  }

  /**
   * Stops the sandbox's process group between questions, or resumes it; nothing once it has ended.
   * Only where it dies with the judge (a parent-death signal): a stopped sandbox cannot see its
   * channel close, and would outlive a judge that ended without closing it (Ctrl-C).
   */
  private pause(paused: boolean): void {
    if (this.paused === paused || this.pid === undefined || this.exited !== undefined || !isolation().diesWithParent) return;
    this.paused = pauseGroup(this.pid, paused) ? paused : false;
  }

  /** Stops the process group (idempotent). */
  close(): void {
    this.kill("died", "the sandbox was closed");
  }

  private onReply(text: string): void {
    const pending = this.pending;
    if (!pending) return;
    const started = now();
    let reply: Record<string, unknown>;
    try {
      if (text.length >= COUNT_FROM_CHARS && valuesAtMost(text, FRAME_VALUES_MAX) > FRAME_VALUES_MAX) {
        this.kill("died", `the exercise's process sent a reply of more than ${FRAME_VALUES_MAX.toLocaleString("en-US")} values`);
        return;
      }
      reply = JSON.parse(text) as Record<string, unknown>;
    } catch {
      this.kill("died", "the exercise's process sent something that is not a reply");
      return;
    } finally {
      this.reading += now() - started;
    }
    // A reply to another request (sent early by the student's code, or late) is ignored.
    if (reply === null || typeof reply !== "object" || reply.id !== pending.id) return;
    pending.resolve(reply);
  }

  /**
   * Polls the clock and the CPU counter until the pending request `id` is answered or over its limit.
   *
   * The wall-clock limit counts the time the sandbox spent asleep (waiting on something: a promise
   * that never settles, `Atomics.wait`), read from the process state in /proc at each poll, not the
   * time it was ready to run but waiting for a core: on a machine busy with other work, a correct
   * answer that computes slowly is not stopped for it. Past `starvedFactor` (default 10) times the limit on the
   * plain wall clock, it stops anyway. Where the state cannot be read, all wall-clock time counts.
   */
  private watch(id: number, limit: Limit, startedWall: number, startedCpu: number, startedReading: number): Promise<void> {
    return new Promise((resolve) => {
      let polled = startedWall;
      let waitedMs = 0;
      const timer = setInterval(() => {
        const pending = this.pending;
        if (!pending || pending.id !== id || this.exited !== undefined) {
          clearInterval(timer);
          resolve();
          return;
        }
        const at = now();
        const wall = at - startedWall;
        const stat = this.nodePid === undefined ? undefined : readStat(this.nodePid);
        if (!stat?.working) waitedMs += at - polled;
        polled = at;
        // The judge's time reading what the sandbox sent counts too: frames sent only to be read
        // (answers to no question) cost the request as if the sandbox had computed them.
        const cpu = (stat?.cpuMs ?? 0) - startedCpu + (this.reading - startedReading);
        if (cpu > limit.cpuMs) {
          clearInterval(timer);
          this.kill("cpu", `it used more than ${fmt(limit.cpuMs)} of CPU time (an infinite loop?)`);
          resolve();
        } else if (waitedMs > limit.wallMs || wall > (limit.starvedFactor ?? STARVED_FACTOR) * limit.wallMs) {
          clearInterval(timer);
          this.kill("wall", `it did not answer within ${fmt(waitedMs > limit.wallMs ? limit.wallMs : wall)} (waiting for something that never comes: a promise that never settles, Atomics.wait?)`);
          resolve();
        }
      }, POLL_MS);
    });
  }

  private kill(why: "cpu" | "wall" | "died", message: string): void {
    if (this.pid !== undefined && this.exited === undefined) killGroup(this.pid);
    this.exited ??= message;
    const pending = this.pending;
    this.pending = undefined;
    pending?.reject(new SandboxStopped(message, why));
  }

  private onExit(message: string): void {
    if (this.exited === undefined) {
      this.exited = message;
      if (this.pid !== undefined) killGroup(this.pid); // whatever it left in its group
    }
    const pending = this.pending;
    this.pending = undefined;
    pending?.reject(new SandboxStopped(this.exited, "died"));
  }

  private describeExit(code: number | null, signal: NodeJS.Signals | null): string {
    const printed = this.output;
    if (/heap out of memory|Reached heap limit|Allocation failed|ArrayBuffer allocation failed|out of memory/i.test(printed)) {
      return `it ran out of memory (its heap limit is ${this.options.memoryMb} MB): a huge allocation, or data that grows without bound?`;
    }
    if (signal) return `its process was stopped by ${signal}`;
    return `its process exited with code ${code} while the grader was waiting for an answer (process.exit, or an error nothing caught: thrown in a timer or a callback, or a promise rejected that nobody awaited)`;
  }

  /** CPU time the sandbox's Node process has used, ms; 0 where /proc cannot be read. */
  private cpuMs(): number {
    if (this.nodePid === undefined) return 0;
    return readStat(this.nodePid)?.cpuMs ?? 0;
  }
}

/**
 * An upper bound on the number of values in JSON text (its `{`, `[` and `,` characters, plus
 * one), counted until it passes `max`.
 */
export function valuesAtMost(text: string, max = Infinity): number {
  let n = 1;
  for (let i = 0; i < text.length && n <= max; i++) {
    const c = text.charCodeAt(i);
    if (c === 44 || c === 91 || c === 123) n++;
  }
  return n;
}

function fmt(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${Math.round(ms)} ms`;
}

/** The Node process of a sandbox: the launcher's own pid, or its child when `unshare` forked one. */
function findNodePid(launcherPid: number): number {
  if (!isolation().processes) return launcherPid;
  try {
    const children = readFileSync(`/proc/${launcherPid}/task/${launcherPid}/children`, "utf8").trim().split(/\s+/).map(Number);
    return children.find((pid) => Number.isInteger(pid) && pid > 0) ?? launcherPid;
  } catch {
    return launcherPid;
  }
}

/**
 * What /proc/<pid>/stat says of process `pid`, or undefined when it cannot be read (then all
 * wall-clock time counts as asleep, and the CPU limit is left to the wall-clock cap):
 * - working: it runs or is ready to run (state R), or waits for the disk (D), however slowly the
 *   machine lets it; not when it sleeps (S), is stopped or gone;
 * - cpuMs: its user plus system CPU time.
 */
function readStat(pid: number): { working: boolean; cpuMs: number } | undefined {
  const stat = procStat(String(pid));
  return stat && { working: stat.state === "R" || stat.state === "D", cpuMs: stat.cpuMs };
}

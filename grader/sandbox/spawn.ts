/**
 * The judge's side of spawner.ts: starts sandbox processes through one small helper process per
 * thread, forked once, instead of forking the judge for each (spawner.ts says why).
 *
 * `startProcess` gives what the judge needs of a sandbox it did not start itself: its pid (to read
 * its state in /proc and to stop its process group), its three pipes, and how it ended. A helper
 * that ends (killed from outside) ends its sandboxes with it (their parent-death signal, where the
 * machine allows one) and reports them ended; the next sandbox starts a new helper.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import type { Readable, Writable } from "node:stream";
import type { Socket } from "node:net";
import { DIES_WITH_PARENT, isolation, killGroup, sandboxSpawnOptions } from "./launch";

export interface Started {
  pid: number;
  stdout: Readable;
  stderr: Readable;
  /** The request channel (the sandbox's fd 3). */
  channel: Readable & Writable;
}

export type Ended = { code: number | null; signal: NodeJS.Signals | null } | { error: string };

export interface SandboxProcess {
  /** Resolves once the process runs and its pipes are here; rejects when it could not be started. */
  readonly started: Promise<Started>;
  /** Calls `listener` once, when the process has ended or could not be started (at once if it has). */
  onEnd(listener: (end: Ended) => void): void;
}

type Message = { id: number; pid?: number; stream?: number; exit?: { code: number | null; signal: NodeJS.Signals | null }; error?: string };

class Starting implements SandboxProcess {
  readonly started: Promise<Started>;
  private resolve!: (s: Started) => void;
  private reject!: (e: Error) => void;
  private pid: number | undefined;
  private readonly pipes: Socket[] = [];
  private ended: Ended | undefined;
  /** Its pid and pipes went to the judge, which reads the pipes to their end. */
  private handedOver = false;
  private listener: ((end: Ended) => void) | undefined;

  constructor() {
    this.started = new Promise<Started>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.started.catch(() => {});
  }

  onEnd(listener: (end: Ended) => void): void {
    if (this.ended) listener(this.ended);
    else this.listener = listener;
  }

  /** One message of the helper about this process; true once nothing more will come. */
  receive(m: Message, handle: unknown): boolean {
    if (m.pid !== undefined) this.pid = m.pid;
    else if (m.stream !== undefined && handle) {
      this.pipes[m.stream] = handle as Socket;
      if (this.pid !== undefined && this.pipes.filter(Boolean).length === 3) {
        const [stdout, stderr, channel] = this.pipes;
        this.handedOver = true;
        this.resolve({ pid: this.pid, stdout, stderr, channel });
      }
    } else if (m.exit) this.end(m.exit);
    else if (m.error !== undefined) this.end({ error: m.error });
    return this.ended !== undefined;
  }

  end(end: Ended): void {
    if (this.ended) return;
    this.ended = end;
    this.reject(new Error("error" in end ? end.error : "the process ended before it started"));
    if (!this.handedOver) {
      // Ended before the judge had it: nobody reads these pipes, and whatever runs goes.
      for (const pipe of this.pipes) pipe?.destroy();
      if (this.pid !== undefined) killGroup(this.pid);
    }
    this.listener?.(end);
  }
}

class Spawner {
  private readonly helper: ChildProcess;
  private nextId = 1;
  private readonly running = new Map<number, Starting>();
  ended = false;

  constructor(runtimeDir: string) {
    const prefix = isolation().diesWithParent ? DIES_WITH_PARENT : [];
    const [command, ...args] = [...prefix, process.execPath, join(runtimeDir, "spawner.mjs")];
    this.helper = spawn(command, args, { cwd: runtimeDir, env: {}, stdio: ["ignore", "ignore", "ignore", "ipc"] });
    // It must not keep a finished grading's thread alive: the sandboxes' own pipes and the
    // judge's timers do while a sandbox is in use.
    this.helper.unref();
    this.helper.channel?.unref();
    this.helper.on("message", (m: Message, handle: unknown) => {
      const p = this.running.get(m.id);
      if (p?.receive(m, handle)) this.running.delete(m.id);
      else if (!p && handle) (handle as Socket).destroy();
    });
    const gone = (why: string) => {
      if (this.ended) return;
      this.ended = true;
      for (const p of this.running.values()) p.end({ error: why });
      this.running.clear();
    };
    this.helper.on("error", (error) => gone(`the sandbox launcher could not run: ${error.message}`));
    this.helper.on("exit", (code, signal) => gone(`the sandbox launcher ended (${signal ?? `exit code ${code}`})`));
  }

  start(command: string, args: string[], cwd: string): SandboxProcess {
    const id = this.nextId++;
    const p = new Starting();
    this.running.set(id, p);
    try {
      this.helper.send({ id, command, args, cwd });
    } catch (error) {
      this.running.delete(id);
      p.end({ error: `the sandbox launcher is not reachable: ${(error as Error).message}` });
    }
    return p;
  }
}

/** Starts the process from this one (Windows: there a pipe cannot be handed to another process). */
function startHere(command: string, args: string[], cwd: string): SandboxProcess {
  const p = new Starting();
  const child = spawn(command, args, sandboxSpawnOptions(cwd));
  child.on("error", (error) => p.end({ error: error.message }));
  child.on("exit", (code, signal) => p.end({ code, signal }));
  if (child.pid !== undefined) {
    p.receive({ id: 0, pid: child.pid }, undefined);
    [child.stdout, child.stderr, child.stdio[3]].forEach((pipe, stream) => p.receive({ id: 0, stream }, pipe));
  }
  return p;
}

let spawner: Spawner | undefined;

/**
 * Starts `command args` in `cwd` as a sandbox: an empty environment, a process group of its own.
 * `here`: from this process rather than through the launcher (the default on Windows).
 */
export function startProcess(runtimeDir: string, command: string, args: string[], cwd: string, here = process.platform === "win32"): SandboxProcess {
  if (here) return startHere(command, args, cwd);
  if (!spawner || spawner.ended) spawner = new Spawner(runtimeDir);
  return spawner.start(command, args, cwd);
}

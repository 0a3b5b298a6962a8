/**
 * What Linux's /proc says of a process or thread's CPU time and state: the grader's one reader of
 * `/proc/…/stat`, used for the sandboxes' limits (sandbox/client.ts), the type check's limit
 * (type-checker.ts) and the trace. Undefined where the file cannot be read (not Linux, or the
 * process or thread has ended).
 */
import { readFileSync, readlinkSync } from "node:fs";

/** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

export interface ProcStat {
  /** One letter: R running or ready, S asleep, D waiting for the disk, … */
  state: string;
  /** User plus system CPU time, ms. */
  cpuMs: number;
  /** User plus system CPU time of its children that have ended and been waited for, ms. */
  childrenCpuMs: number;
}

/** `path` is the folder under /proc: "self", "thread-self", "1234", "self/task/1235". */
export function procStat(path: string): ProcStat | undefined {
  try {
    const fields = readFileSync(`/proc/${path}/stat`, "utf8").split(") ")[1].split(" ");
    const ms = (a: string, b: string) => ((Number(a) + Number(b)) * 1000) / TICKS_PER_SECOND;
    return { state: fields[0], cpuMs: ms(fields[11], fields[12]), childrenCpuMs: ms(fields[13], fields[14]) };
  } catch {
    return undefined;
  }
}

/** The Linux thread id of the calling thread (a worker thread's own), or undefined elsewhere. */
export function threadId(): number | undefined {
  try {
    return Number(readlinkSync("/proc/thread-self").split("/").pop());
  } catch {
    return undefined;
  }
}

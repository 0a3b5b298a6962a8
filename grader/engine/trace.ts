/**
 * Timings of a grading call when RL_GRADER_TRACE is set: where the seconds go (wall clock since
 * the process started, CPU of this process, and CPU of the processes it started that have
 * ended). `RL_GRADER_TRACE=1` writes them on stderr; a path (`RL_GRADER_TRACE=/tmp/trace.txt`)
 * appends them to that file, which also reaches the notebook judge's lines (its stderr is not
 * shown).
 */
import { appendFileSync } from "node:fs";
import { procStat } from "./proc-stat";

export const tracing = (): boolean => (process.env.RL_GRADER_TRACE ?? "") !== "" && process.env.RL_GRADER_TRACE !== "0";

/** CPU seconds of this process's finished children (Linux; 0 elsewhere). */
function childrenCpuS(): number {
  return (procStat("self")?.childrenCpuMs ?? 0) / 1000;
}

export function trace(message: string): void {
  if (!tracing()) return;
  // Seconds since the process started: the same clock in every thread (a worker thread's own
  // clocks start with the thread), so that lines from the test threads fall in order.
  const at = process.uptime();
  const cpu = process.cpuUsage();
  const line = `[grader ${process.pid} +${at.toFixed(2)} s, ${((cpu.user + cpu.system) / 1e6).toFixed(2)} CPU-s, children ${childrenCpuS().toFixed(2)} CPU-s] ${message}\n`;
  const to = process.env.RL_GRADER_TRACE!;
  if (to === "1") process.stderr.write(line);
  else appendFileSync(to, line);
}

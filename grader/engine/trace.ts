/**
 * Timings of a grading call on stderr when RL_GRADER_TRACE=1: where the seconds go (wall clock,
 * CPU of this process, and CPU of the processes it started that have ended: sandboxes).
 */
import { readFileSync } from "node:fs";

const started = Number(process.hrtime.bigint() / 1_000_000n);

export const tracing = (): boolean => process.env.RL_GRADER_TRACE === "1";

/** CPU seconds of this process's finished children (Linux; 0 elsewhere). */
function childrenCpuS(): number {
  try {
    const fields = readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ");
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return 0;
  }
}

export function trace(message: string): void {
  if (!tracing()) return;
  const at = Number(process.hrtime.bigint() / 1_000_000n) - started;
  const cpu = process.cpuUsage();
  process.stderr.write(`[grader +${(at / 1000).toFixed(2)} s, ${((cpu.user + cpu.system) / 1e6).toFixed(2)} CPU-s, children ${childrenCpuS().toFixed(2)} CPU-s] ${message}\n`);
}

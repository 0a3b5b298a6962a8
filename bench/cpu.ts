/** CPU time for the benchmark scripts. */
import { readFileSync } from "node:fs";

/**
 * CPU seconds used so far by this process's finished children and everything they waited for
 * (Linux: cutime + cstime of /proc/self/stat, in USER_HZ ticks of 1/100 s), or NaN elsewhere.
 */
export function childCpuSeconds(): number {
  try {
    const fields = readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ");
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return Number.NaN;
  }
}

/**
 * CPU seconds the whole machine has been busy since boot, all cores (Linux: user, nice, system,
 * irq and softirq of /proc/stat's first line; time stolen by a hypervisor is not counted), or NaN
 * elsewhere. Over a run on an otherwise quiet machine, the difference is the run's CPU time with
 * everything it started, also processes that outlive their parent's wait (a sandbox killed with
 * its process group inside a PID namespace is never waited for, so `childCpuSeconds` misses it).
 */
export function machineBusySeconds(): number {
  try {
    const [user, nice, system, , , irq, softirq] = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
    const ticks = user + nice + system + irq + softirq;
    return Number.isFinite(ticks) ? ticks / 100 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

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

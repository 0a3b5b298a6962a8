/**
 * The two timed workloads of `npm run bench`, shared by the benchmark itself and by the child
 * processes of `--compare`: the library's event loop on a fixed workload, and the sweep behind the
 * workbook's main chart. Each returns wall and CPU milliseconds and a fingerprint of what the runs
 * gave, so that two versions of the library can be shown to give the same runs.
 */
import { createHash } from "node:crypto";
import { performance } from "node:perf_hooks";

export type Lib = typeof import("../lib/index");

export interface Timing {
  events: number;
  ms: number;
  cpu: number;
}

export function cpuMs(c: NodeJS.CpuUsage): number {
  return (c.user + c.system) / 1000;
}

/** The event loop itself on the fixed workload; write-only runs otherwise take the faster recurrence. */
export function libRound(lib: Lib, seed: number, writes: number): Timing & { fingerprint: string } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const run = lib.simulate({
    seed,
    followers: 3,
    ack: lib.quorum(2),
    network: { oneWayMs: lib.exponential({ meanMs: 1 }) },
    workload: { writesPerSec: 1000, writes },
    recordHistory: false,
    engine: "events",
  });
  const timing = { events: run.eventCount, ms: performance.now() - t0, cpu: cpuMs(process.cpuUsage(c0)) };
  let ackSum = 0;
  for (let i = 0; i < run.writes.count; i++) ackSum += run.writes.ackMs[i];
  return { ...timing, fingerprint: `${run.eventCount}/${run.endMs}/${ackSum}` };
}

/** The sweep behind the latency-versus-loss chart: 4 ack policies x 5 seeds x 100,000 writes, with `summarize`. */
export function sweepRound(lib: Lib): { ms: number; cpu: number; fingerprint: string } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const rows = lib.sweep({
    base: { followers: 3, network: { oneWayMs: lib.exponential({ meanMs: 1 }) }, workload: { writesPerSec: 1000, writes: 100_000 }, recordHistory: false },
    vary: { ack: [lib.asyncAck(), lib.semiSync(), lib.quorum(2), lib.syncAll()] },
    seeds: 5,
    measure: (run) => lib.summarize(run),
    progress: "off",
  });
  const timing = { ms: performance.now() - t0, cpu: cpuMs(process.cpuUsage(c0)) };
  // A digest of every row, every field: equal digests mean equal rows, and the line a child hands back stays short.
  return { ...timing, fingerprint: createHash("sha256").update(JSON.stringify(rows)).digest("hex") };
}

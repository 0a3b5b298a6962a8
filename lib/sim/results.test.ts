import { runInNewContext } from "node:vm";
import { setFlagsFromString } from "node:v8";
import { describe, expect, it } from "vitest";
import { simulate } from "../index";

/** V8's collector, as `--expose-gc` would give it: asked for by name in a fresh context. */
function collector(): () => void {
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}

/** Heap and array-buffer bytes in use after a full collection. */
function used(gc: () => void): number {
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

describe("a run's result", () => {
  it("keeps its own tables, not the run's working state (reads, queue, logs)", () => {
    const gc = collector();
    const config = { seed: 7, followers: 3, workload: { writesPerSec: 1000, writes: 20_000 }, reads: { readsPerSec: 10_000 }, recordHistory: false };
    simulate(config); // compiles the simulator before measuring
    const before = used(gc);
    const run = simulate(config);
    const kept = used(gc) - before;
    // 200,000 reads took about 80 MB of the run's state while it ran; the result needs its write
    // table (typed arrays, under 2 MB here) and none of that. It kept all of it while a closure
    // of the result shared its scope with one that captured the run.
    expect(run.history.ops).toHaveLength(0);
    expect(run.commitLatencyMs()).toHaveLength(20_000);
    expect(kept / 2 ** 20, "MB kept alive by one result").toBeLessThan(12);
  });
});

import fc from "fast-check";
import { describe, expect, test } from "vitest";
import type { SimConfig } from "./config";
import { constant, exponential, logNormal, uniform, type Dist } from "./dist";
import { asyncAck, CONFIRM_STEPS, quorum, semiSync, syncAll, type AckPolicy, type ConfirmStep } from "./policies";
import { simulate, type RunResult } from "./sim";
import type { ShipAfter } from "./config";

const dist = fc.constantFrom<Dist>(exponential({ meanMs: 1 }), constant(0), constant(2), uniform({ minMs: 0.5, maxMs: 3 }), logNormal({ medianMs: 1, p99Ms: 8 }));

function same(a: RunResult, b: RunResult): void {
  expect(a.endMs).toBe(b.endMs);
  expect(a.eventCount).toBe(b.eventCount);
  expect(a.stalledWrites).toBe(b.stalledWrites);
  for (const k of ["invokeMs", "acceptMs", "ackMs", "lsn", "node", "epoch"] as const) expect(Array.from(a.writes[k])).toEqual(Array.from(b.writes[k]));
  a.writes.receivedMs.forEach((r, f) => expect(Array.from(r)).toEqual(Array.from(b.writes.receivedMs[f])));
  a.writes.appliedMs.forEach((r, f) => expect(Array.from(r)).toEqual(Array.from(b.writes.appliedMs[f])));
  expect(JSON.stringify(a.history)).toBe(JSON.stringify(b.history));
}

describe("the recurrence path", () => {
  test("gives exactly the event loop's run for every write-only configuration (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5 }),
        fc.integer({ min: 0, max: 4 }),
        fc.boolean(),
        fc.integer({ min: -1e6, max: 1e6 }),
        dist,
        dist,
        dist,
        dist,
        fc.constantFrom("poisson", "fixed"),
        fc.boolean(),
        (followers, policy, onApply, seed, toF, toL, apply, commit, arrival, burst) => {
          const on = onApply ? "apply" : "receive";
          const choices: AckPolicy[] = [asyncAck(), quorum(Math.min(2, followers), { on }), syncAll({ on })];
          if (followers > 0) choices.push(semiSync({ on }), semiSync({ follower: "A", on }));
          const config: SimConfig = {
            seed,
            followers,
            ack: choices[policy % choices.length],
            network: { toFollowerMs: toF, toLeaderMs: toL },
            applyMs: apply,
            leaderCommitMs: commit,
            workload: {
              writesPerSec: 400,
              writes: 200,
              arrival: arrival as "poisson" | "fixed",
              keys: 7,
              bursts: burst ? [{ fromMs: 100, toMs: 200, writesPerSec: 3000 }] : undefined,
            },
          };
          same(simulate(config), simulate({ ...config, engine: "events" }));
        },
      ),
      { numRuns: 150 },
    );
  });

  test("gives exactly the event loop's run with pauses in the writes, one of them to the end (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: -1e6, max: 1e6 }),
        fc.constantFrom("poisson", "fixed"),
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 0, max: 100 }),
        fc.boolean(),
        fc.boolean(),
        (followers, seed, arrival, fromMs, spanMs, forever, byDuration) => {
          const config: SimConfig = {
            seed,
            followers,
            ack: quorum(1),
            network: { oneWayMs: exponential({ meanMs: 1 }) },
            workload: {
              writesPerSec: 1000,
              ...(byDuration ? { durationMs: 400 } : { writes: 300 }),
              arrival: arrival as "poisson" | "fixed",
              bursts: [
                { fromMs, toMs: forever ? Infinity : fromMs + spanMs, writesPerSec: 0 },
                { fromMs: 350, toMs: 360, writesPerSec: 5000 },
              ],
            },
          };
          const run = simulate(config);
          same(run, simulate({ ...config, engine: "events" }));
          // A write due exactly as the pause starts is sent, as at any change of rate.
          const inPause = Array.from(run.writes.invokeMs).filter((t) => t > fromMs && (forever || t <= fromMs + spanMs));
          expect(inPause).toEqual([]);
        },
      ),
      { numRuns: 100 },
    );
  });

  test("gives exactly the event loop's run with the leader shipping after its local commit and followers that write and flush (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 3 }),
        fc.constantFrom<ConfirmStep>(...CONFIRM_STEPS),
        fc.constantFrom<ShipAfter>("accept", "local-commit"),
        fc.record({ seed: fc.integer({ min: -1e6, max: 1e6 }), arrival: fc.constantFrom<"poisson" | "fixed">("poisson", "fixed") }),
        fc.record({ toF: dist, write: dist, flush: dist, commit: dist }),
        (followers, policy, on, shipAfter, { seed, arrival }, { toF, write, flush, commit }) => {
          const choices: AckPolicy[] = [asyncAck(), quorum(Math.min(2, followers), { on }), syncAll({ on }), semiSync({ follower: "A", on })];
          const config: SimConfig = {
            seed,
            followers: Array.from({ length: followers }, (_, i) => (i === 0 ? { writeMs: write, flushMs: flush } : {})),
            ack: choices[policy],
            shipAfter,
            network: { toFollowerMs: toF },
            flushMs: flush,
            applyMs: exponential({ meanMs: 0.2 }),
            leaderCommitMs: commit,
            workload: { writesPerSec: 800, writes: 200, arrival, keys: 7 },
          };
          same(simulate(config), simulate({ ...config, engine: "events" }));
        },
      ),
      { numRuns: 150 },
    );
  });

  test("stops at durationMs exactly as the event loop does", () => {
    const config: SimConfig = { seed: 3, followers: 2, ack: quorum(1), workload: { writesPerSec: 1000, durationMs: 250 } };
    const fast = simulate(config);
    same(fast, simulate({ ...config, engine: "events" }));
    expect(fast.writes.count).toBeGreaterThan(200);
  });

  test("is not used when anything reacts to time (reads, faults, failover, fallback)", () => {
    // With reads, the auto engine must give the event loop's run: it falls back to it.
    const config: SimConfig = { seed: 1, followers: 2, workload: { writes: 300 }, reads: { readsPerSec: 300 } };
    same(simulate(config), simulate({ ...config, engine: "events" }));
  });
});

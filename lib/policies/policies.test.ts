import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { constant, exponential, uniform, type Dist } from "../dist";
import { ConfigError } from "../errors";
import { simulate, type RunResult } from "../sim";
import { acksNeeded, asyncAck, compileAck, firstOf, isAckPolicy, policyName, quorum, semiSync, syncAll, type AckPolicy } from ".";

const NAMES = ["L", "A", "B", "C"];

/** Commit latencies of the writes a node accepted, in ms. */
function latenciesOn(run: RunResult, node: string): number[] {
  const i = run.nodes.indexOf(node);
  const w = run.writes;
  const out: number[] = [];
  for (let k = 0; k < w.count; k++) if (w.node[k] === i && w.ackMs[k] < Infinity) out.push(w.ackMs[k] - w.invokeMs[k]);
  return out;
}

describe("acknowledgement policies compile into rules", () => {
  test("each helper's rule needs the confirmations its policy names", () => {
    const needed = (p: AckPolicy) => compileAck(p, NAMES).neededAtStart;
    expect([asyncAck(), semiSync(), semiSync({ follower: "B" }), quorum(2), syncAll(), firstOf(2, ["C", "A", "B"])].map(needed)).toEqual([0, 1, 1, 2, 3, 2]);
    expect(compileAck(firstOf(2, ["C", "A", "B"]), NAMES).priority).toEqual([3, 1, 2]);
    expect(compileAck(semiSync({ follower: "B" }), NAMES).priority).toEqual([2]);
    expect(compileAck(quorum(2), NAMES).priority).toBeNull();
    expect(compileAck(quorum(2, { on: "apply", fallbackAfterMs: 30 }), NAMES)).toMatchObject({ confirmStep: "apply", fallback: { afterMs: 30 } });
    expect(acksNeeded(firstOf(2, ["A", "B"]), 3)).toBe(2);
  });

  test("a fallback of Infinity is never due: the run is the run without one", () => {
    for (const [never, none] of [[quorum(2, { fallbackAfterMs: Infinity }), quorum(2)], [syncAll({ fallbackAfterMs: Infinity }), syncAll()]] as const) {
      expect(compileAck(never, NAMES).fallback).toBeNull();
      const config = (ack: AckPolicy) => ({
        seed: 7,
        ack,
        followers: ["A", "B", "C"].map((name) => ({ name, toFollowerMs: exponential({ meanMs: 2 }), toLeaderMs: exponential({ meanMs: 2 }) })),
        workload: { writesPerSec: 1000, durationMs: 300 },
        faults: [{ node: "A", kind: "crash" as const, fromMs: 100 }],
      });
      expect(simulate(config(never)).writes.ackMs).toEqual(simulate(config(none)).writes.ackMs);
    }
  });

  test("names read like the databases' settings", () => {
    expect(policyName(firstOf(2, ["A", "B", "C"]))).toBe("FIRST 2 (A, B, C)");
    expect(policyName(firstOf(1, ["B"], { on: "apply" }))).toBe("FIRST 1 (B) [on apply]");
    expect(policyName(semiSync({ follower: "A", fallbackAfterMs: 50 }))).toBe("semi-sync(A) [fallback 50 ms]");
  });

  test("isAckPolicy tells policies from other values", () => {
    expect([asyncAck(), firstOf(1, ["A"])].every(isAckPolicy)).toBe(true);
    expect([null, "quorum", { kind: "any-follower" }, constant(1)].some(isAckPolicy)).toBe(false);
  });

  test("a bad priority list is refused, naming the field", () => {
    expect(() => firstOf(0, ["A"])).toThrow(/ack\.k: 0 is not allowed/);
    expect(() => firstOf(3, ["A", "B"])).toThrow(/ack\.k: 3 is not allowed; it must be a whole number from 1 to 2/);
    expect(() => firstOf(1, [])).toThrow(/ack\.standbys/);
    expect(() => firstOf(1, ["A", "A"])).toThrow(/ack\.standbys\[1\]: "A" is not allowed; each follower is listed once/);
    expect(() => compileAck(firstOf(1, ["A", "Z"]), NAMES)).toThrow(/ack\.standbys\[1\]: "Z" is not allowed; it must name a node/);
    expect(() => compileAck(firstOf(1, ["L"]), NAMES)).toThrow(/ack\.standbys\[0\].*not the leader/);
    expect(() => compileAck({ kind: "majority" } as unknown as AckPolicy, NAMES)).toThrow(ConfigError);
  });
});

describe("FIRST k (…), PostgreSQL's priority list", () => {
  // A is slow, B a little slower than C: who a commit waits for shows in its latency.
  const followers = [
    { name: "A", toFollowerMs: constant(8) },
    { name: "B", toFollowerMs: constant(3) },
    { name: "C", toFollowerMs: constant(1) },
  ];
  const base = { seed: 3, followers, network: { toLeaderMs: constant(0) }, workload: { writesPerSec: 50, writes: 40 } };

  test("waits for the first k listed followers, even when an unlisted one is faster", () => {
    for (const engine of ["auto", "events"] as const) {
      const latency = (ack: AckPolicy) => Math.max(...simulate({ ...base, ack, engine }).commitLatencyMs());
      expect(latency(firstOf(1, ["B", "C"]))).toBeCloseTo(3, 9);
      expect(latency(firstOf(2, ["B", "A", "C"]))).toBeCloseTo(8, 9);
      expect(latency(firstOf(2, ["C", "B", "A"]))).toBeCloseTo(3, 9);
      // ANY 1 of the same followers: the fastest answers.
      expect(latency(quorum(1))).toBeCloseTo(1, 9);
    }
  });

  test("when a listed follower is promoted, the next one listed takes its place", () => {
    const config = {
      ...base,
      workload: { writesPerSec: 100, writes: 200 },
      failover: { crashLeader: { atMs: 500 }, election: { fixed: "B" }, clientRerouteMs: constant(0) },
    };
    // After B leads, FIRST 1 (B, A) waits for A (8 ms away) rather than the fastest follower.
    const first = latenciesOn(simulate({ ...config, ack: firstOf(1, ["B", "A"]) }), "B");
    expect(first.length).toBeGreaterThan(50);
    expect(Math.min(...first)).toBeCloseTo(8, 9);
    // semi-sync(B) has nobody left to wait for once B leads: any one follower counts (C, 1 ms).
    const semi = latenciesOn(simulate({ ...config, ack: semiSync({ follower: "B" }) }), "B");
    expect(Math.min(...semi)).toBeCloseTo(1, 9);
  });

  test("the recurrence gives exactly the event loop's run (property)", () => {
    const dist = fc.constantFrom<Dist>(exponential({ meanMs: 1 }), constant(0.5), uniform({ minMs: 0.2, maxMs: 3 }));
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: -1e6, max: 1e6 }), fc.integer({ min: 0, max: 1e6 }), fc.boolean(), dist, dist, (n, seed, pick, onApply, toF, applyMs) => {
        const names = Array.from({ length: n }, (_, i) => String.fromCharCode(65 + i));
        // A priority list: a rotation of the followers, cut at some length, and a k it can meet.
        const listed = names.map((_, i) => names[(i + pick) % n]).slice(0, 1 + (pick % n));
        const ack = firstOf(1 + (pick % listed.length), listed, { on: onApply ? "apply" : "receive" });
        const config = { seed, followers: n, ack, network: { toFollowerMs: toF }, applyMs, workload: { writesPerSec: 500, writes: 150 } };
        const a = simulate(config);
        const b = simulate({ ...config, engine: "events" });
        expect(Array.from(a.writes.ackMs)).toEqual(Array.from(b.writes.ackMs));
        expect(a.eventCount).toBe(b.eventCount);
        expect(a.endMs).toBe(b.endMs);
      }),
      { numRuns: 60 },
    );
  });
});

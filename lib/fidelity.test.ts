/**
 * The simulator against closed forms and published numbers (see the README's "Fidelity" section).
 * Sample sizes are chosen so each tolerance is at least three standard errors wide.
 */
import { describe, expect, test } from "vitest";
import { constant, exponential } from "./dist";
import { freshnessAt, summarize } from "./metrics";
import { pbsFreshness } from "./pbs";
import { asyncAck, quorum } from "./policies";
import { simulate } from "./sim";

const harmonic = (m: number) => Array.from({ length: m }, (_, i) => 1 / (i + 1)).reduce((a, b) => a + b, 0);

// Low write rate against 1 ms delays: the ordered replication stream almost never makes a write
// wait for an earlier one, so each write sees independent delays, as the formulas assume.
const independent = {
  followers: 3,
  network: { toFollowerMs: exponential({ meanMs: 1 }), toLeaderMs: constant(0) },
  workload: { writesPerSec: 2, writes: 30_000 },
  recordHistory: false,
};

describe("fidelity", () => {
  test.each([1, 2, 3])("mean commit latency of quorum($0) of 3 is the order statistic (H_n − H_{n−k})/mu within 2 percent", (k) => {
    const s = summarize(simulate({ seed: 100 + k, ...independent, ack: quorum(k) }));
    const expected = harmonic(3) - harmonic(3 - k);
    expect(Math.abs(s.commitLatencyMsMean - expected) / expected).toBeLessThan(0.02);
  });

  test("Little's law: writes at risk on a follower = write rate x mean lag, within 3%", () => {
    // 50 writes/s = 0.05 per ms, mean one-way delay 1 ms, instant local commit: 0.05 writes at risk.
    const run = simulate({
      seed: 7,
      followers: 3,
      ack: asyncAck(),
      network: { oneWayMs: exponential({ meanMs: 1 }) },
      workload: { writesPerSec: 50, writes: 200_000 },
      recordHistory: false,
    });
    const s = summarize(run);
    expect(Math.abs(s.writesAtRiskAnyFollowerMean - 0.05) / 0.05).toBeLessThan(0.03);
  });

  test("a follower read right after a 1-of-3 commit is stale with probability ((n−k)/n)·e^(−mu·t), within 1 point", () => {
    const run = simulate({ seed: 3, ...independent, ack: quorum(1) });
    const ts = [0, 0.25, 0.5, 1, 2];
    const rows = freshnessAt(run, ts);
    rows.forEach((row, i) => {
      const expected = (2 / 3) * Math.exp(-ts[i]);
      expect(Math.abs(row.staleShare - expected)).toBeLessThan(0.01);
    });
    expect(rows[0].staleShare).toBeGreaterThan(0.65); // 66.7% at t = 0
  });

  test("PBS (Bailis et al. 2012), N=3 R=W=1, W=Exp(4/ms), A=R=S=Exp(1/ms): 94% fresh at 0 ms, 99.9% at 1 ms", () => {
    const e = (rate: number) => exponential({ ratePerMs: rate });
    const [t0, t1] = pbsFreshness({ n: 3, w: 1, r: 1, W: e(4), A: e(1), R: e(1), S: e(1), tMs: [0, 1], trials: 100_000, seed: 1 });
    expect(Math.abs(t0.freshShare - 0.94)).toBeLessThan(0.01);
    expect(Math.abs(t1.freshShare - 0.999)).toBeLessThan(0.01);
  });

  test("PBS with slow writes, W=Exp(0.1/ms): 41% fresh at 0 ms, 99.9% at 65 ms", () => {
    const e = (rate: number) => exponential({ ratePerMs: rate });
    const [t0, t65] = pbsFreshness({ n: 3, w: 1, r: 1, W: e(0.1), A: e(1), R: e(1), S: e(1), tMs: [0, 65], trials: 100_000, seed: 2 });
    expect(Math.abs(t0.freshShare - 0.41)).toBeLessThan(0.01);
    expect(Math.abs(t65.freshShare - 0.999)).toBeLessThan(0.01);
  });
});

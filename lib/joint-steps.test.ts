import { describe, expect, it } from "vitest";
import type { SimConfig } from "./config";
import { constant, empirical } from "./dist";
import { ConfigError } from "./errors";
import { firstOf } from "./policies";
import { simulate } from "./sim";

/** Writes far apart, so that no write queues behind another: each latency is its own steps' sum. */
const sparse = { writesPerSec: 10, writes: 400, arrival: "fixed" as const };

/** s1 confirms once flushed; its link out and flush are 1 and 1 ms, or 3 and 3 ms, per measured row; nothing else takes time. */
const base: SimConfig = {
  seed: 4,
  followers: [{ name: "s1" }],
  ack: firstOf(1, ["s1"], { on: "flush" }),
  network: { oneWayMs: constant(0) },
  workload: sparse,
  jointSteps: { columns: ["s1.toFollowerMs", "s1.flushMs"], rowsMs: [[1, 1], [3, 3]] },
};

describe("steps drawn together (jointSteps)", () => {
  it("gives every write one measured row, never a mix of two", () => {
    const latencies = [...simulate(base).commitLatencyMs()];
    // A row's link and flush: 2 ms or 6 ms; drawn each on its own, 4 ms would turn up a quarter of the time.
    expect(new Set(latencies)).toEqual(new Set([2, 6]));
    const slow = latencies.filter((l) => l === 6).length;
    expect(slow).toBeGreaterThan(150);
    expect(slow).toBeLessThan(250);
  });

  it("differs from the same steps drawn each on its own", () => {
    const { jointSteps, ...apart } = base;
    void jointSteps;
    const latencies = [...simulate({ ...apart, followers: [{ name: "s1", toFollowerMs: empirical([1, 3]), flushMs: empirical([1, 3]) }] }).commitLatencyMs()];
    expect(latencies).toContain(4);
  });

  it("gives the leader's flush, commit and wake-up from the row too, and leaves unnamed steps to their distributions", () => {
    const run = simulate({
      ...base,
      shipAfter: "local-flush",
      leaderFlushMs: constant(100),
      leaderCommitMs: constant(100),
      network: { oneWayMs: constant(0), toLeaderMs: constant(0.5) },
      jointSteps: { columns: ["leaderFlushMs", "leaderCommitMs", "leaderWakeMs", "s1.flushMs"], rowsMs: [[0.2, 0.3, 0.25, 1]] },
    });
    // Flushed 0.2 ms after the accept, sent, flushed on s1 1 ms later, back in 0.5 ms, woken 0.25 ms later.
    for (const l of run.commitLatencyMs()) expect(l).toBeCloseTo(0.2 + 1 + 0.5 + 0.25, 9);
  });

  it("is the same run for the same seed", () => {
    expect([...simulate(base).commitLatencyMs()]).toEqual([...simulate(base).commitLatencyMs()]);
    expect([...simulate({ ...base, seed: 5 }).commitLatencyMs()]).not.toEqual([...simulate(base).commitLatencyMs()]);
  });

  it("refuses rows and columns that do not fit, naming the field", () => {
    const bad = (jointSteps: unknown, rest: Partial<SimConfig> = {}) => () => simulate({ ...base, ...rest, jointSteps: jointSteps as SimConfig["jointSteps"] });
    expect(bad({ columns: ["s9.flushMs"], rowsMs: [[1]] })).toThrow(ConfigError);
    expect(bad({ columns: ["s9.flushMs"], rowsMs: [[1]] })).toThrow(/jointSteps\.columns\[0\].*a node of L, s1/);
    expect(bad({ columns: ["s1.flushMs"], rowsMs: [[1, 2]] })).toThrow(/jointSteps\.rowsMs\[0\].*1 values/);
    expect(bad({ columns: ["s1.flushMs"], rowsMs: [[-1]] })).toThrow(/jointSteps\.rowsMs\[0\]\[0\]/);
    expect(bad({ columns: ["s1.flushMs"], rowsMs: [] })).toThrow(/at least one measured row/);
    expect(bad({ columns: ["s1.flushMs", "s1.flushMs"], rowsMs: [[1, 1]] })).toThrow(/one column only/);
    expect(bad({ columns: ["leaderFlushMs"], rowsMs: [[1]] })).toThrow(/shipAfter: "local-flush"/);
    expect(bad({ colums: ["s1.flushMs"], rowsMs: [[1]] })).toThrow(/did you mean columns/);
  });
});

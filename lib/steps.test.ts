import { describe, expect, it } from "vitest";
import type { SimConfig } from "./config";
import { constant, exponential, logNormal } from "./dist";
import { ConfigError } from "./errors";
import { semiSync, type ConfirmStep } from "./policies";
import { simulate } from "./sim";

/** Writes far apart, so that no write queues behind another: each latency is the steps' sum alone. */
const sparse = { writesPerSec: 10, writes: 50, arrival: "fixed" as const };

describe("the leader's shipping point", () => {
  it("sends an entry on accept by default, and only after the local commit with shipAfter: local-commit", () => {
    const base: SimConfig = { seed: 1, followers: 1, network: { oneWayMs: constant(0.5) }, leaderCommitMs: constant(2), workload: sparse };
    for (const [shipAfter, offsetMs] of [["accept", 0.5], ["local-commit", 2.5]] as const) {
      const run = simulate({ ...base, shipAfter });
      for (let w = 0; w < run.writes.count; w++) expect(run.writes.receivedMs[0][w] - run.writes.acceptMs[w]).toBeCloseTo(offsetMs, 9);
    }
  });

  it("adds the local commit to a synchronous commit's latency only when shipping after it", () => {
    const base: SimConfig = { seed: 2, followers: 1, ack: semiSync(), network: { oneWayMs: constant(1) }, leaderCommitMs: constant(3), workload: sparse };
    const p50 = (c: SimConfig) => Array.from(simulate(c).commitLatencyMs()).sort((a, b) => a - b)[25];
    expect(p50({ ...base, shipAfter: "accept" })).toBeCloseTo(3, 9); // max(local 3, round trip 2)
    expect(p50({ ...base, shipAfter: "local-commit" })).toBeCloseTo(5, 9); // local 3, then the round trip
  });

  it("keeps the leader's log flushed in order, so every follower gets every entry, in order", () => {
    const run = simulate({
      seed: 3,
      followers: 2,
      shipAfter: "local-commit",
      leaderCommitMs: logNormal({ medianMs: 1, p99Ms: 20 }),
      workload: { writesPerSec: 5000, writes: 2000 },
      engine: "events",
    });
    for (const received of run.writes.receivedMs) {
      for (let w = 0; w < run.writes.count; w++) {
        expect(received[w]).toBeLessThan(Infinity);
        if (w > 0) expect(received[w]).toBeGreaterThanOrEqual(received[w - 1]);
      }
    }
  });
});

describe("the leader's flush and wake-up (PostgreSQL's primary)", () => {
  const base: SimConfig = {
    seed: 7,
    followers: 1,
    ack: semiSync(),
    network: { oneWayMs: constant(0.5) },
    leaderCommitMs: constant(2),
    shipAfter: "local-flush",
    leaderFlushMs: constant(0.75),
    workload: sparse,
  };

  it("sends an entry once the log is flushed, while the local commit goes on", () => {
    const run = simulate(base);
    for (let w = 0; w < run.writes.count; w++) {
      expect(run.writes.receivedMs[0][w] - run.writes.acceptMs[w]).toBeCloseTo(0.75 + 0.5, 9);
      // The local commit (2 ms) outlasts the round trip (0.75 + 1 ms): the commit waits for it, not for the follower.
      expect(run.writes.ackMs[w] - run.writes.acceptMs[w]).toBeCloseTo(2, 9);
    }
  });

  it("never finishes a local commit before its flush", () => {
    const run = simulate({ ...base, ack: undefined, leaderCommitMs: constant(0.25) });
    for (let w = 0; w < run.writes.count; w++) expect(run.writes.ackMs[w] - run.writes.acceptMs[w]).toBeCloseTo(0.75, 9);
  });

  it("adds the wake-up to a commit that waited for its confirmations, and to no other", () => {
    const latency = (c: SimConfig) => simulate(c).commitLatencyMs()[10];
    const slowLink = { ...base, network: { oneWayMs: constant(2) } };
    // Flush 0.75, there and back 4 ms, then the wake-up: the confirmation came after the local commit.
    expect(latency({ ...slowLink, leaderWakeMs: constant(0.3) })).toBeCloseTo(0.75 + 4 + 0.3, 9);
    // The confirmation (at 1.75 ms) came before the local commit was done (2 ms): no waiting, no wake-up.
    expect(latency({ ...base, leaderWakeMs: constant(0.3) })).toBeCloseTo(2, 9);
    // Asynchronous commits never wait for a follower.
    expect(latency({ ...slowLink, ack: undefined, leaderWakeMs: constant(0.3) })).toBeCloseTo(2, 9);
  });

  it("keeps the leader's flushes in log order, so every follower gets every entry, in order", () => {
    const run = simulate({ ...base, followers: 2, ack: undefined, leaderFlushMs: logNormal({ medianMs: 0.5, p99Ms: 10 }), workload: { writesPerSec: 5000, writes: 2000 } });
    for (const received of run.writes.receivedMs) {
      for (let w = 1; w < run.writes.count; w++) expect(received[w]).toBeGreaterThanOrEqual(received[w - 1]);
    }
  });

  it("loses an entry whose leader crashes before it arrives", () => {
    const run = simulate({ ...base, workload: { script: [{ kind: "write", atMs: 1, client: "c", key: "k", value: "v" }] }, faults: [{ node: "L", kind: "crash", fromMs: 1.5 }] });
    expect(run.writes.receivedMs[0][0]).toBe(Infinity);
  });

  it("refuses a flush time without its shipping point, and the shipping point without a flush time", () => {
    expect(() => simulate({ seed: 1, shipAfter: "local-flush" })).toThrow(/leaderFlushMs.*shipAfter: "local-flush" needs it/);
    expect(() => simulate({ seed: 1, leaderFlushMs: constant(1) })).toThrow(/leaderFlushMs.*add shipAfter: "local-flush"/);
    expect(() => simulate({ seed: 1, leaderWakeMs: -1 as never })).toThrow(/leaderWakeMs/);
  });
});

describe("a follower's write, flush and apply steps", () => {
  const config = (on: ConfirmStep): SimConfig => ({
    seed: 4,
    followers: [{ name: "A", writeMs: constant(0.3), flushMs: constant(0.5) }],
    applyMs: constant(0.2),
    ack: semiSync({ on }),
    network: { oneWayMs: constant(1) },
    workload: sparse,
  });

  it("acknowledges at the step asked for: receipt, write, flush or apply", () => {
    const latency = (on: ConfirmStep) => simulate(config(on)).commitLatencyMs()[10];
    expect(latency("receive")).toBeCloseTo(2, 9);
    expect(latency("write")).toBeCloseTo(2.3, 9);
    expect(latency("flush")).toBeCloseTo(2.8, 9);
    expect(latency("apply")).toBeCloseTo(3, 9);
  });

  it("applies an entry only once it is written and flushed", () => {
    const run = simulate(config("receive"));
    for (let w = 0; w < run.writes.count; w++) {
      expect(run.writes.appliedMs[0][w] - run.writes.receivedMs[0][w]).toBeCloseTo(1, 9);
    }
  });

  it("queues entries behind a slow flush, in log order", () => {
    const run = simulate({ seed: 5, followers: [{ flushMs: constant(2) }], workload: { writesPerSec: 1000, writes: 100, arrival: "fixed" } });
    // A flush every 2 ms for entries arriving every 1 ms: the backlog grows by 1 ms per entry.
    const applied = run.writes.appliedMs[0];
    expect(applied[99] - applied[98]).toBeCloseTo(2, 9);
    expect(applied[99] - run.writes.receivedMs[0][99]).toBeGreaterThan(90);
  });

  it("changes nothing when the options are given at their defaults", () => {
    const base: SimConfig = { seed: 6, followers: 3, ack: semiSync(), applyMs: exponential({ meanMs: 0.5 }), leaderCommitMs: exponential({ meanMs: 0.3 }), workload: { writes: 500 } };
    const plain = simulate(base);
    const explicit = simulate({ ...base, shipAfter: "accept", writeMs: constant(0), flushMs: constant(0) });
    expect(Array.from(explicit.writes.ackMs)).toEqual(Array.from(plain.writes.ackMs));
    expect(explicit.writes.appliedMs.map((a) => Array.from(a))).toEqual(plain.writes.appliedMs.map((a) => Array.from(a)));
  });

  it("refuses a shipping point or a step time that is not one, naming the field", () => {
    expect(() => simulate({ seed: 1, shipAfter: "flush" as never })).toThrow(ConfigError);
    expect(() => simulate({ seed: 1, shipAfter: "flush" as never })).toThrow(/shipAfter.*"accept" or "local-commit"/);
    expect(() => simulate({ seed: 1, followers: [{ flushMs: 3 as never }] })).toThrow(/followers\[0\]\.flushMs/);
    expect(() => simulate({ seed: 1, ack: semiSync({ on: "durable" as never }) })).toThrow(/ack\.on.*"receive", "write", "flush", "apply"/);
  });
});

describe("group flush", () => {
  // Entries 1 ms apart, a 5 ms flush: one at a time the follower falls further behind with each
  // entry; in groups, an entry waits at most for the running flush and its own.
  const config: SimConfig = { seed: 6, followers: 1, network: { oneWayMs: constant(0) }, flushMs: constant(5), workload: { writesPerSec: 1000, writes: 40, arrival: "fixed" } };
  const lags = (c: SimConfig) => {
    const run = simulate(c);
    return Array.from({ length: run.writes.count }, (_, w) => run.writes.appliedMs[0][w] - run.writes.receivedMs[0][w]);
  };

  it("flushes every entry written before a flush starts in that flush", () => {
    const grouped = lags({ ...config, groupFlush: true });
    expect(Math.max(...grouped)).toBeLessThanOrEqual(10 + 1e-9);
    expect(Math.min(...grouped)).toBeCloseTo(5, 9);
    // Entries that arrived during one flush finish together.
    const run = simulate({ ...config, groupFlush: true });
    const done = new Set(Array.from({ length: run.writes.count }, (_, w) => run.writes.appliedMs[0][w]));
    expect(done.size).toBeLessThan(run.writes.count / 3);
  });

  it("flushes one entry at a time by default, so a backlog grows", () => {
    const single = lags(config);
    expect(single[39]).toBeCloseTo(40 * 5 - 39 * 1, 6);
  });

  it("refuses anything but true or false", () => {
    expect(() => simulate({ ...config, groupFlush: "yes" as unknown as boolean })).toThrow(/groupFlush.*true or false/);
  });
});

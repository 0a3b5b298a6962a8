import { describe, expect, test } from "vitest";
import { lostWrites, readYourWritesViolations, splitBrain } from "./checkers";
import { constant, exponential, mixture } from "./dist";
import { ConfigError } from "./errors";
import { asyncAck, quorum, syncAll } from "./policies";
import { anyFollower, leaderOnly, readYourWrites } from "./reads";
import { simulate } from "./sim";
import { summarize } from "./metrics";

const base = { followers: 3, network: { oneWayMs: exponential({ meanMs: 2 }) }, workload: { writesPerSec: 500, writes: 3000 } };
const crashAfterAck = { crashLeader: { afterAckOfWrite: 1500 }, detector: { heartbeatMs: 10, timeoutMs: 50 } };

describe("failover", () => {
  test("async replication plus a leader crash loses acknowledged writes", () => {
    const run = simulate({ seed: 1, ...base, ack: asyncAck(), failover: crashAfterAck });
    expect(run.failover.failovers).toBe(1);
    expect(lostWrites(run.history).length).toBeGreaterThan(0);
  });

  test("every write is counted once: acknowledged, failed or stalled", () => {
    const run = simulate({ seed: 4, ...base, ack: syncAll(), failover: { crashLeader: { afterAckOfWrite: 300 } } });
    const s = summarize(run);
    expect(s.acknowledged + s.failedWrites + s.stalledWrites).toBe(s.writes);
    expect(s.failedWrites).toBeGreaterThan(0);
  });

  test("sync-all with most-up-to-date election loses none, across seeds", () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const run = simulate({ seed, ...base, ack: syncAll(), failover: crashAfterAck });
      expect(run.failover.failovers).toBe(1);
      expect(lostWrites(run.history)).toEqual([]);
    }
  });

  test("quorum(1) with most-up-to-date election loses none, but a random election can", () => {
    let randomLost = 0;
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const best = simulate({ seed, ...base, ack: quorum(1), failover: crashAfterAck });
      expect(lostWrites(best.history)).toEqual([]);
      const random = simulate({ seed, ...base, ack: quorum(1), failover: { ...crashAfterAck, election: "random" } });
      randomLost += lostWrites(random.history).length;
    }
    expect(randomLost).toBeGreaterThan(0);
  });

  test("a crashed leader is always detected, whatever the rounding of heartbeat times", () => {
    for (const seed of [101, 102, 103, 104, 105, 106, 107, 108]) {
      const run = simulate({
        seed,
        followers: 3,
        workload: { writesPerSec: 2000, writes: 4000 },
        faults: [{ node: "A", kind: "crash", fromMs: 1000 }],
        failover: { crashLeader: { atMs: 1000 } },
      });
      expect(run.failover.failovers, `seed ${seed}`).toBe(1);
    }
  });

  test("the outage lasts about the detection timeout, and clients reach the new leader", () => {
    const run = simulate({ seed: 2, ...base, ack: asyncAck(), failover: { crashLeader: { atMs: 3000 }, detector: { heartbeatMs: 10, timeoutMs: 100 } } });
    expect(run.failover.outageMs).toBeGreaterThanOrEqual(90);
    expect(run.failover.outageMs).toBeLessThan(150);
    const after = run.history.ops.filter((o) => o.kind === "write" && o.invokeMs > 3500);
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((o) => o.kind === "write" && o.acknowledged && o.node !== "L")).toBe(true);
  });

  test("a short timeout under latency spikes causes spurious failovers; a long one does not", () => {
    const spiky = mixture([[0.995, exponential({ meanMs: 1 })], [0.005, constant(80)]]);
    const run = (timeoutMs: number) =>
      simulate({ seed: 3, ...base, failover: { detector: { heartbeatMs: 5, timeoutMs, delayMs: spiky } } }).failover.spuriousFailovers;
    expect(run(20)).toBeGreaterThan(0);
    expect(run(200)).toBe(0);
  });

  test("without fencing a paused leader that wakes up causes split brain; with fencing it does not", () => {
    const scenario = (fencing: boolean) =>
      simulate({
        seed: 5,
        ...base,
        ack: asyncAck(),
        faults: [{ node: "L", kind: "pause", fromMs: 2000, toMs: 2600 }],
        failover: { fencing, detector: { timeoutMs: 100 }, clientRerouteMs: constant(300) },
      });
    const unfenced = scenario(false);
    expect(unfenced.failover.splitBrainWrites).toBeGreaterThan(0);
    expect(splitBrain(unfenced.history).length).toBeGreaterThan(0);
    expect(lostWrites(unfenced.history).length).toBeGreaterThan(0);
    const fenced = scenario(true);
    expect(fenced.failover.fencedWrites).toBeGreaterThan(0);
    expect(fenced.failover.splitBrainWrites).toBe(0);
    expect(splitBrain(fenced.history)).toEqual([]);
    expect(lostWrites(fenced.history)).toEqual([]);
  });
});

describe("reads", () => {
  const reads = { followers: 3, network: { oneWayMs: exponential({ meanMs: 5 }) }, workload: { writesPerSec: 200, writes: 2000, clients: 20 } };

  test("follower reads break read-your-writes; leader reads never do", () => {
    const follower = simulate({ seed: 1, ...reads, reads: { readsPerSec: 500, routing: anyFollower(), ownKeyShare: 1 } });
    expect(readYourWritesViolations(follower.history).length).toBeGreaterThan(0);
    const leader = simulate({ seed: 1, ...reads, reads: { readsPerSec: 500, routing: leaderOnly(), ownKeyShare: 1 } });
    expect(readYourWritesViolations(leader.history)).toEqual([]);
    expect(leader.readsServedBy.L).toBe(leader.history.ops.filter((o) => o.kind === "read").length);
  });

  test("read-your-writes routing removes the violations while followers still serve most reads", () => {
    for (const ifBehind of ["leader", "wait"] as const) {
      const run = simulate({ seed: 2, ...reads, reads: { readsPerSec: 500, routing: readYourWrites({ ifBehind }), ownKeyShare: 1 } });
      expect(readYourWritesViolations(run.history)).toEqual([]);
      const total = Object.values(run.readsServedBy).reduce((a, b) => a + b, 0);
      expect(run.readsServedBy.L / total).toBeLessThan(0.5);
    }
  });

  test("read-your-writes routing survives a failover", () => {
    const run = simulate({
      seed: 4,
      ...reads,
      ack: quorum(1),
      reads: { readsPerSec: 500, routing: readYourWrites(), ownKeyShare: 1 },
      failover: { crashLeader: { atMs: 5000 }, detector: { timeoutMs: 50 } },
    });
    expect(run.failover.failovers).toBe(1);
    expect(readYourWritesViolations(run.history)).toEqual([]);
  });

  test("a custom router is a plain function; a wrong answer gets a clear error", () => {
    const run = simulate({ seed: 1, ...reads, reads: { readsPerSec: 100, routing: (ctx) => ctx.followers[0].name } });
    expect(run.readsServedBy.A).toBeGreaterThan(0);
    expect(() => simulate({ seed: 1, ...reads, reads: { readsPerSec: 100, routing: () => "Z" } })).toThrow(/must return a node name \(L, A, B, C\)/);
  });
});

describe("bad input", () => {
  test.each([
    [{ followers: 2, ack: quorum(3) }, /quorum\(3\) needs at least 3 followers, got 2/],
    [{ faults: [{ node: "Q", kind: "crash", fromMs: 1 }] }, /faults\[0\]\.node: "Q" is not allowed; it must name a node: "L", "A", "B"/],
    [{ failover: { crashLeader: { atMs: -5 } } }, /failover\.crashLeader\.atMs: -5 is not allowed; it must be a time >= 0 ms/],
    [{ failover: { detector: { timeoutMs: -1 } } }, /failover\.detector\.timeoutMs: -1 is not allowed/],
    [{ failover: { election: { fixed: "Z" } } }, /failover\.election\.fixed: "Z"/],
    [{ workload: { writesPerSec: 0 } }, /workload\.writesPerSec: 0 is not allowed; it must be a rate > 0 writes per second/],
    [{ workload: { writesPerSec: Number.NaN } }, /workload\.writesPerSec: NaN/],
    [{ workload: { writesPerSec: 100, bursts: [{ fromMs: 0, toMs: 5, writesPerSec: -1 }] } }, /workload\.bursts\[0\]\.writesPerSec: -1 is not allowed; it must be a rate >= 0 writes per second \(0 pauses the writes\)/],
    [{ network: { oneWayMs: { kind: "constant", valueMs: -1 } } }, /network\.oneWayMs\.valueMs: -1/],
    [{ seed: 1.5 }, /seed: 1\.5 is not allowed; it must be a whole number/],
    [{ followers: -1 }, /followers: -1/],
  ])("rejects %j with a message naming the field", (extra, message) => {
    const config = { seed: 1, followers: 2, ...extra } as Parameters<typeof simulate>[0];
    expect(() => simulate(config)).toThrow(ConfigError);
    expect(() => simulate(config)).toThrow(message);
  });
});

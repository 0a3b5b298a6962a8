import { describe, expect, test } from "vitest";
import { lostWrites, splitBrain } from "./checkers";
import { constant, exponential } from "./dist";
import { ConfigError } from "./errors";
import type { History, WriteOp } from "./history";
import { asyncAck, quorum } from "./policies";
import { simulate } from "./sim";
import { smallCluster } from "./sim/test-clusters";

const base = smallCluster(3);
const detector = { heartbeatMs: 10, timeoutMs: 50 };
const monitor = { detector, clientRerouteMs: exponential({ meanMs: 30 }) };
const monitors = { ...monitor, coordinator: { kind: "monitors" as const, members: 3 } };
const lease = { ...monitor, coordinator: { kind: "lease" as const, members: 3, leaseMs: 100 } };
const leaderSide = ["L", "c0", "c1", "c2", "c3"];
const otherClients = ["c4", "c5", "c6", "c7"];

const first = (h: History, kind: string, node?: string) => h.events.find((e) => e.kind === kind && (node === undefined || ("node" in e && e.node === node)));
/** Writes the deposed leader acknowledged after someone else was elected. */
const ackedByDeposed = (h: History) => {
  const elected = first(h, "elected");
  return elected ? h.ops.filter((op) => op.kind === "write" && op.node === "L" && op.acknowledged && op.completeMs > elected.atMs).length : 0;
};

describe("several monitors", () => {
  test("one monitor cut off from the leader cannot fail it over; a single monitor in its place does", () => {
    const partitions = [{ fromMs: 500, toMs: 1200, sides: [["L"], ["M1"]] }];
    const single = simulate({ ...base, partitions, failover: monitor });
    expect(single.failover.failovers).toBe(1);
    expect(splitBrain(single.history)).toHaveLength(1);
    const three = simulate({ ...base, partitions, failover: monitors });
    expect(three.failover.failovers).toBe(0);
    expect(splitBrain(three.history)).toEqual([]);
  });

  test("a majority that stops hearing the leader promotes a follower, and the leader, never told, goes on taking writes", () => {
    const run = simulate({ ...base, partitions: [{ fromMs: 500, toMs: 1200, sides: [leaderSide, ["A", "B", "M1", "M2", "M3", ...otherClients]] }], failover: monitors });
    expect(run.failover.failovers).toBe(1);
    expect(first(run.history, "suspect")).toMatchObject({ by: expect.stringMatching(/majority of monitors/) });
    expect(ackedByDeposed(run.history)).toBeGreaterThan(20);
  });
});

describe("a majority lease", () => {
  const isolate = [{ fromMs: 500, toMs: 1200, sides: [leaderSide, ["A", "B", "M1", "M2", "M3", ...otherClients]] }];

  test("the isolated leader steps down before a new one is elected: no split brain", () => {
    for (const seed of [1, 2, 3, 4]) {
      const run = simulate({ ...base, seed, partitions: isolate, failover: lease });
      const demoted = first(run.history, "demoted", "L")!;
      const elected = first(run.history, "elected")!;
      expect(demoted.atMs, `seed ${seed}`).toBeLessThan(elected.atMs);
      // It could not renew after 500 ms, so its lease ran out within one lease of that.
      expect(demoted.atMs).toBeGreaterThan(500);
      expect(demoted.atMs).toBeLessThanOrEqual(600);
      expect(splitBrain(run.history)).toEqual([]);
      expect(ackedByDeposed(run.history)).toBe(0);
    }
  });

  test("costs a failover that waits out the lease, where the monitor fails over at its timeout", () => {
    const withMonitor = simulate({ ...base, partitions: [{ ...isolate[0], sides: [leaderSide, ["A", "B", "M1", ...otherClients]] }], failover: monitor });
    const withLease = simulate({ ...base, partitions: isolate, failover: lease });
    expect(first(withLease.history, "elected")!.atMs).toBeGreaterThan(first(withMonitor.history, "elected")!.atMs + 25);
  });

  test("with a majority lease and majority acknowledgement, no acknowledged write is lost", () => {
    const run = simulate({ ...base, ack: quorum(1), partitions: isolate, failover: lease });
    expect(lostWrites(run.history)).toEqual([]);
    expect(splitBrain(run.history)).toEqual([]);
  });

  test("needs a majority of its members: with two of three cut off, the healthy leader steps down and nobody leads until they are back", () => {
    const run = simulate({ ...base, partitions: [{ fromMs: 500, toMs: 1200, sides: [["M1", "M2"], ["L", "A", "B", "M3", "clients"]] }], failover: lease });
    const demoted = first(run.history, "demoted", "L")!;
    const elected = first(run.history, "elected")!;
    expect(demoted.atMs).toBeLessThan(600);
    expect(elected.atMs).toBeGreaterThanOrEqual(1200);
    const acked = run.history.ops.filter((op) => op.kind === "write" && op.acknowledged && op.invokeMs > 620 && op.invokeMs < 1200);
    expect(acked).toEqual([]);
    // The monitors, without a lease, keep the leader: the two cut-off monitors cannot reach a follower to promote.
    const withMonitors = simulate({ ...base, partitions: [{ fromMs: 500, toMs: 1200, sides: [["M1", "M2"], ["L", "A", "B", "M3", "clients"]] }], failover: monitors });
    expect(withMonitors.failover.failovers).toBe(0);
  });

  test("a leader paused past its lease takes no write when it wakes", () => {
    const paused = { ...base, faults: [{ node: "L", kind: "pause" as const, fromMs: 600, toMs: 900 }] };
    const slowNews = { stepDownAfterMs: constant(300), clientRerouteMs: exponential({ meanMs: 400 }) };
    const withLease = simulate({ ...paused, failover: { ...lease, ...slowNews } });
    expect(first(withLease.history, "elected")!.atMs).toBeLessThan(900);
    expect(first(withLease.history, "demoted", "L")!.atMs).toBe(900);
    expect(ackedByDeposed(withLease.history)).toBe(0);
    expect(lostWrites(withLease.history)).toEqual([]);
    const withMonitor = simulate({ ...paused, failover: { ...monitor, ...slowNews } });
    expect(ackedByDeposed(withMonitor.history)).toBeGreaterThan(20);
  });

  test("give the same history for the same seed", () => {
    const config = { ...base, partitions: isolate, failover: lease };
    expect(JSON.stringify(simulate(config).history)).toBe(JSON.stringify(simulate(config).history));
  });

  test("name what is wrong with a coordinator", () => {
    const bad = (coordinator: unknown) => () => simulate({ ...base, failover: { coordinator } } as never);
    expect(bad("zookeeper")).toThrow(ConfigError);
    expect(bad({ kind: "raft" })).toThrow(/failover\.coordinator\.kind: "raft"/);
    expect(bad({ kind: "lease", leaseMs: 0 })).toThrow(/leaseMs: 0/);
    expect(bad({ kind: "lease", leaseMs: 100, renewEveryMs: 200 })).toThrow(/renewEveryMs: 200 is not allowed; it must be a period from 0.001 ms to the lease \(100 ms\)/);
    expect(bad({ kind: "monitors", leaseMs: 100 })).toThrow(/only a lease has it/);
    expect(bad({ kind: "monitors", members: 0 })).toThrow(/members: 0/);
    expect(bad({ kind: "lease", term: 3 })).toThrow(/failover\.coordinator\.term: 3 is not allowed/);
  });
});

describe("fencing as storage sees it", () => {
  const pausedLeader = {
    seed: 1,
    followers: 2,
    ack: asyncAck(),
    network: { oneWayMs: exponential({ meanMs: 2 }) },
    workload: { writesPerSec: 300, writes: 600, clients: 8 },
    faults: [{ node: "L", kind: "pause" as const, fromMs: 600, toMs: 700 }],
  };
  const withFencing = (fencing: unknown) =>
    simulate({ ...pausedLeader, failover: { detector, stepDownAfterMs: constant(300), clientRerouteMs: exponential({ meanMs: 400 }), fencing } as never });

  test("storage told of the new epoch refuses the woken leader's first write, and it steps down", () => {
    const run = withFencing(true);
    expect(run.failover.fencedWrites).toBe(1);
    expect(first(run.history, "rejected", "L")!.atMs).toBe(700);
    expect(first(run.history, "demoted", "L")!.atMs).toBe(700);
    expect(run.failover.splitBrainWrites).toBe(0);
  });

  test("a storage node that has not heard of the new epoch still stores the old leader's writes", () => {
    // Four storage nodes, and no announcement: each learns the new epoch only from the new leader's writes.
    const run = withFencing({ storageNodes: 4, announce: false });
    expect(run.failover.splitBrainWrites).toBeGreaterThan(0);
    expect(run.failover.fencedWrites).toBeGreaterThan(0);
    // Every write the old leader got stored after the election went to a storage node the new leader had not written yet.
    const elected = first(run.history, "elected")!.atMs;
    const keyShard = (key: string) => Number(key.slice(1)) % 4;
    const writes = run.history.ops.filter((op): op is WriteOp => op.kind === "write");
    const newLeaderShardsBy = (t: number) => new Set(writes.filter((op) => op.node === "A" && (op.acceptedMs ?? Infinity) <= t).map((op) => keyShard(op.key)));
    const oldAfter = writes.filter((op) => op.node === "L" && op.epoch === 1 && (op.acceptedMs ?? 0) > elected);
    expect(oldAfter.length).toBe(run.failover.splitBrainWrites);
    for (const op of oldAfter) expect(newLeaderShardsBy(op.acceptedMs!).has(keyShard(op.key))).toBe(false);
  });

  test("a storage node cut off from the coordinator does not hear the announcement", () => {
    const told = withFencing({ storageNodes: 2 });
    const cut = simulate({
      ...pausedLeader,
      // S1 hears neither the coordinator nor the new leader A until 2 s; the old leader L still reaches it.
      partitions: [{ fromMs: 0, toMs: 2000, sides: [["M1", "A"], ["S1"]] }],
      failover: { detector, stepDownAfterMs: constant(300), clientRerouteMs: exponential({ meanMs: 400 }), fencing: { storageNodes: 2 } },
    });
    expect(told.failover.splitBrainWrites).toBe(0);
    expect(cut.failover.splitBrainWrites).toBeGreaterThan(0);
  });

  test("a delay to the storage adds to every commit", () => {
    const instant = withFencing(true);
    const delayed = withFencing({ delayMs: constant(2) });
    const p50 = (run: typeof instant) => {
      const l = [...run.commitLatencyMs()].sort((a, b) => a - b);
      return l[Math.floor(l.length / 2)];
    };
    expect(p50(delayed) - p50(instant)).toBeCloseTo(2, 6);
    expect(delayed.failover.fencedWrites).toBeGreaterThan(0);
  });

  test("name what is wrong with the fencing storage", () => {
    expect(() => withFencing({ storageNodes: 0 })).toThrow(/failover\.fencing\.storageNodes: 0/);
    expect(() => withFencing({ announce: "yes" })).toThrow(/failover\.fencing\.announce: "yes"/);
    expect(() => withFencing({ delayMs: 3 })).toThrow(/failover\.fencing\.delayMs/);
    expect(() => withFencing("on")).toThrow(/failover\.fencing: "on" is not allowed/);
  });
});

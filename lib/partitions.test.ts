import { describe, expect, test } from "vitest";
import { lostWrites, splitBrain } from "./checkers";
import { exponential } from "./dist";
import { ConfigError } from "./errors";
import { semiSync } from "./policies";
import { simulate } from "./sim";
import { smallCluster } from "./sim/test-clusters";
import { addCut, cutUntil, heldArrival, linkOpen, lost, NO_CUT, openFrom, type Links } from "./sim/links";

const base = smallCluster(3);
const failover = { detector: { heartbeatMs: 10, timeoutMs: 50 }, clientRerouteMs: exponential({ meanMs: 30 }) };
/** The leader and half the clients on one side; the followers, the monitor and the other clients on the other. */
const isolateLeader = { fromMs: 500, toMs: 1200, sides: [["L", "c0", "c1", "c2", "c3"], ["A", "B", "M1", "c4", "c5", "c6", "c7"]] };

describe("link windows", () => {
  // Endpoints 0..3; window 1 cuts {0} from {1, 2} over [10, 20); window 2 cuts {0} from {2} over [15, 40).
  const links: Links = { windows: [], coordinatorBase: 4, storageBase: 4, clientBase: 4, ids: new Map(["a", "b", "c", "d"].map((n, i) => [n, i])), size: 4 };
  addCut(links, { fromMs: 10, toMs: 20, sides: [["a"], ["b", "c"]], holdRequests: false });
  addCut(links, { fromMs: 15, toMs: 40, sides: [["a"], ["c"]], holdRequests: false });

  test("cut a link only between named endpoints on different sides, over the window", () => {
    expect(cutUntil(links, 0, 1, 12)).toBe(20);
    expect(cutUntil(links, 1, 0, 12)).toBe(20);
    expect(cutUntil(links, 0, 1, 20)).toBe(NO_CUT);
    expect(cutUntil(links, 1, 2, 12)).toBe(NO_CUT); // same side
    expect(cutUntil(links, 0, 3, 12)).toBe(NO_CUT); // not named
    expect(cutUntil(links, 0, 2, 16)).toBe(40); // the later of two overlapping cuts
    expect(linkOpen(links, 0, 2, 9.99)).toBe(true);
  });

  test("hold a message until the link heals, keeping its delay, and lose a heartbeat across a cut", () => {
    expect(openFrom(links, 0, 2, 12)).toBe(40); // the first cut heals at 20, the second still holds
    expect(heldArrival(links, 0, 1, 12, 13)).toBe(21); // leaves at 20, takes its 1 ms
    expect(heldArrival(links, 0, 1, 5, 12)).toBe(20); // due during the cut: arrives as it heals
    expect(heldArrival(links, 0, 1, 1, 2)).toBe(2); // untouched
    expect(lost(links, 0, 1, 9, 11)).toBe(true);
    expect(lost(links, 0, 1, 21, 22)).toBe(false);
  });
});

describe("partitions", () => {
  test("a partition that isolates the leader with some clients: the monitor promotes a follower, both sides take writes, and the old side's are lost", () => {
    const run = simulate({ ...base, partitions: [isolateLeader], failover });
    const elected = run.history.events.find((e) => e.kind === "elected")!;
    expect(elected.atMs).toBeGreaterThan(500);
    expect(elected.atMs).toBeLessThan(600);
    expect(splitBrain(run.history)).toHaveLength(1);
    // The old leader acknowledged writes from its side after the election; they are gone.
    expect(run.failover.splitBrainWrites).toBeGreaterThan(20);
    expect(lostWrites(run.history).length).toBeGreaterThanOrEqual(run.failover.splitBrainWrites);
    // It learns of the new epoch only once it can hear the monitor again, then steps down after stepDownAfterMs (500).
    const demoted = run.history.events.find((e) => e.kind === "demoted" && e.node === "L")!;
    expect(demoted.atMs).toBe(1700);
  });

  test("hold the replication stream across the cut and deliver it when the link heals", () => {
    const run = simulate({ ...base, workload: { ...base.workload, durationMs: 1000 }, partitions: [{ fromMs: 300, toMs: 500, sides: [["L"], ["B"]] }] });
    const w = run.writes;
    const b = run.followers.indexOf("B");
    let held = 0;
    for (let i = 0; i < w.count; i++) {
      if (w.acceptMs[i] >= 300 && w.acceptMs[i] < 499) {
        expect(w.receivedMs[b][i]).toBeGreaterThanOrEqual(500);
        held++;
      }
      expect(w.receivedMs[b][i]).toBeLessThan(Infinity); // nothing is lost: B catches up
    }
    expect(held).toBeGreaterThan(50);
    // A was not cut: its copies were not held.
    const a = run.followers.indexOf("A");
    expect([...w.receivedMs[a]].filter((t, i) => w.acceptMs[i] >= 300 && w.acceptMs[i] < 480 && t >= 500)).toHaveLength(0);
  });

  test("hold a semi-synchronous leader's commits while its only follower's confirmations cannot reach it", () => {
    const run = simulate({ ...base, followers: 1, ack: semiSync(), workload: { ...base.workload, durationMs: 800 }, partitions: [{ fromMs: 300, toMs: 400, sides: [["L"], ["A"]] }] });
    const w = run.writes;
    for (let i = 0; i < w.count; i++) if (w.acceptMs[i] > 301 && w.acceptMs[i] < 399) expect(w.ackMs[i]).toBeGreaterThanOrEqual(400);
  });

  test("lose the requests of clients cut off from the leader, unless the partition holds them", () => {
    const cut = { fromMs: 300, toMs: 400, sides: [["L"], ["clients"]] };
    const sentDuring = (run: ReturnType<typeof simulate>) => run.history.ops.filter((op) => op.kind === "write" && op.invokeMs >= 300 && op.invokeMs < 399);
    const dropped = simulate({ ...base, workload: { ...base.workload, durationMs: 800 }, partitions: [cut] });
    expect(sentDuring(dropped).length).toBeGreaterThan(20);
    expect(sentDuring(dropped).every((op) => op.kind === "write" && !op.acknowledged)).toBe(true);
    const held = simulate({ ...base, workload: { ...base.workload, durationMs: 800 }, partitions: [{ ...cut, messages: "hold" as const }] });
    expect(sentDuring(held).every((op) => op.kind === "write" && op.acknowledged && op.completeMs >= 400)).toBe(true);
  });

  test("a partition between the leader and the monitor alone fails over a healthy leader", () => {
    const run = simulate({ ...base, partitions: [{ fromMs: 500, toMs: 1200, sides: [["L"], ["M1"]] }], failover });
    expect(run.failover.failovers).toBe(1);
    expect(run.failover.spuriousFailovers).toBe(1);
  });

  test("give the same history for the same seed", () => {
    const config = { ...base, partitions: [isolateLeader], failover };
    expect(JSON.stringify(simulate(config).history)).toBe(JSON.stringify(simulate(config).history));
  });

  test("change nothing when a partition names no link that carries a message", () => {
    const plain = simulate({ ...base, engine: "events" });
    const idle = simulate({ ...base, partitions: [{ fromMs: 0, toMs: 2000, sides: [["c0"], ["c1"]] }] });
    expect(JSON.stringify(idle.history)).toBe(JSON.stringify(plain.history));
  });

  test("name what is wrong with a partition", () => {
    const bad = (partitions: unknown) => () => simulate({ ...base, failover, partitions } as never);
    expect(bad([{ fromMs: 0, sides: [["L", "A"]] }])).toThrow(/partitions\[0\]\.sides: .* two or more groups/);
    expect(bad([{ fromMs: 0, sides: [["L"], ["Z"]] }])).toThrow(ConfigError);
    expect(bad([{ fromMs: 0, sides: [["L"], ["Z"]] }])).toThrow(/partitions\[0\]\.sides\[1\]: "Z" is not allowed; it must name an endpoint: a node \(L, A, B\)/);
    expect(bad([{ fromMs: 0, sides: [["L", "A"], ["A"]] }])).toThrow(/"A" is already in group 0/);
    expect(bad([{ fromMs: 0, sides: [["L"], []] }])).toThrow(/non-empty list/);
    expect(bad([{ fromMs: 5, toMs: 2, sides: [["L"], ["A"]] }])).toThrow(/partitions\[0\]\.toMs: 2 is not allowed/);
    expect(bad([{ fromMs: 0, sides: [["L"], ["A"]], messages: "keep" }])).toThrow(/messages: "keep"/);
    expect(bad({ fromMs: 0 })).toThrow(/partitions: .* it must be an array of partitions/);
    expect(bad([{ fromMs: 0, sides: [["L"], ["A"]], heal: 5 }])).toThrow(/partitions\[0\]\.heal: 5 is not allowed; there is no option "heal"/);
    // Storage nodes exist only with fencing.
    expect(bad([{ fromMs: 0, sides: [["L"], ["S1"]] }])).toThrow(/"S1" is not allowed/);
  });
});

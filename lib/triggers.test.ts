import { describe, expect, test } from "vitest";
import { lostWrites } from "./checkers";
import { constant, exponential } from "./dist";
import { ConfigError } from "./errors";
import { asyncAck } from "./policies";
import { simulate } from "./sim";

const base = {
  seed: 5,
  followers: 2,
  ack: asyncAck(),
  leaderCommitMs: constant(0.5),
  network: { oneWayMs: exponential({ meanMs: 3 }) },
  workload: { writesPerSec: 500, writes: 800, clients: 8 },
};
const failover = { detector: { heartbeatMs: 10, timeoutMs: 50 }, clientRerouteMs: exponential({ meanMs: 20 }) };

describe("triggers", () => {
  test("crash the leader right after it acknowledges write N, like failover.crashLeader does", () => {
    const triggered = simulate({ ...base, failover, triggers: [{ when: { afterAckOfWrite: 300 }, then: { kind: "crash", node: "leader" } }] });
    const crash = triggered.history.events.find((e) => e.kind === "crash")!;
    // The leader acknowledged write 300 at that very moment (no client delay here).
    expect(crash).toMatchObject({ node: "L", atMs: triggered.writes.ackMs[300] });
    const scripted = simulate({ ...base, failover: { ...failover, crashLeader: { afterAckOfWrite: 300 } } });
    expect(scripted.history.events.find((e) => e.kind === "crash")!.atMs).toBe(crash.atMs);
    expect(lostWrites(triggered.history).length).toBe(lostWrites(scripted.history).length);
  });

  test("fire once, and end the fault after forMs", () => {
    const run = simulate({ ...base, triggers: [{ when: { afterAckOfWrite: 100 }, then: { kind: "pause", node: "A", forMs: 40 } }] });
    const pauses = run.history.events.filter((e) => e.kind === "pause");
    expect(pauses).toHaveLength(1);
    expect(pauses[0]).toMatchObject({ node: "A", atMs: run.writes.ackMs[100], untilMs: run.writes.ackMs[100] + 40 });
    // A received nothing while paused, and everything after.
    const a = run.followers.indexOf("A");
    const from = pauses[0].atMs;
    for (let i = 0; i < run.writes.count; i++) {
      const t = run.writes.receivedMs[a][i];
      expect(t < from || t >= from + 40).toBe(true);
      expect(t).toBeLessThan(Infinity);
    }
  });

  test("cut the leader off as soon as a follower falls K writes behind", () => {
    const k = 12;
    const run = simulate({
      ...base,
      faults: [{ node: "B", kind: "slow", fromMs: 300, factor: 20 }],
      triggers: [{ when: { followerBehind: { follower: "B", writes: k } }, then: { kind: "partition", sides: [["L"], ["A", "B"]], forMs: 100 } }],
    });
    const w = run.writes;
    const b = run.followers.indexOf("B");
    const a = run.followers.indexOf("A");
    // The moment it fired: the first acceptance at which B had received k fewer entries than the leader's log held.
    let firedAt = -1;
    for (let i = 0; i < w.count && firedAt < 0; i++) {
      const t = w.acceptMs[i];
      let onB = 0;
      for (let j = 0; j <= i; j++) if (w.receivedMs[b][j] <= t) onB++;
      if (i + 1 - onB >= k) firedAt = t;
    }
    expect(firedAt).toBeGreaterThan(300);
    // From then on, for 100 ms, nothing reached A (the partition holds its stream).
    for (let i = 0; i < w.count; i++) {
      if (w.acceptMs[i] >= firedAt && w.acceptMs[i] < firedAt + 99) expect(w.receivedMs[a][i]).toBeGreaterThanOrEqual(firedAt + 100);
    }
    // And just before it, A was receiving normally.
    const before = [...w.acceptMs].findIndex((t) => t > firedAt - 50);
    expect(w.receivedMs[a][before]).toBeLessThan(firedAt);
  });

  test("name what is wrong with a trigger", () => {
    const bad = (triggers: unknown) => () => simulate({ ...base, triggers } as never);
    expect(bad([{ when: { afterAckOfWrite: -1 }, then: { kind: "crash", node: "leader" } }])).toThrow(/triggers\[0\]\.when\.afterAckOfWrite: -1/);
    expect(bad([{ when: { soon: true }, then: { kind: "crash", node: "leader" } }])).toThrow(/triggers\[0\]\.when\.soon: true is not allowed; there is no option "soon"/);
    expect(bad([{ when: {}, then: { kind: "crash", node: "leader" } }])).toThrow(/triggers\[0\]\.when: .* afterAckOfWrite/);
    expect(bad([{ when: { followerBehind: { follower: "L", writes: 3 } }, then: { kind: "crash", node: "A" } }])).toThrow(/must name a follower/);
    expect(bad([{ when: { afterAckOfWrite: 3 }, then: { kind: "explode", node: "A" } }])).toThrow(/triggers\[0\]\.then\.kind: "explode"/);
    expect(bad([{ when: { afterAckOfWrite: 3 }, then: { kind: "crash", node: "Q" } }])).toThrow(ConfigError);
    expect(bad([{ when: { afterAckOfWrite: 3 }, then: { kind: "pause", node: "A", factor: 3 } }])).toThrow(/only a "slow" fault has a factor/);
    expect(bad([{ when: { afterAckOfWrite: 3 }, then: { kind: "partition", sides: [["L"]] } }])).toThrow(/triggers\[0\]\.then\.sides/);
    expect(bad({})).toThrow(/triggers: .* it must be an array of triggers/);
    expect(bad([{ when: { afterAckOfWrite: 3 }, then: { kind: "crash", node: "A", forMS: 5 } }])).toThrow(/did you mean forMs\?/);
  });
});

import { describe, expect, it } from "vitest";
import { HistoryBuilder } from "./checkers/historyBuilder";
import { staleReads } from "./checkers/staleReads";
import { exponential } from "./dist";
import { ConfigError } from "./errors";
import { anyFollower } from "./reads";
import { simulate } from "./sim";
import { readStaleness, stalenessByOperation, stalenessOverTime } from "./staleness";

/** x is written three times, acknowledged at 2, 10 and 30 ms. */
function threeWrites() {
  const b = new HistoryBuilder();
  const v1 = b.write({ client: "alice", key: "x", value: "v1", invokeMs: 0, ackMs: 2 });
  const v2 = b.write({ client: "alice", key: "x", value: "v2", invokeMs: 8, ackMs: 10 });
  const v3 = b.write({ client: "alice", key: "x", value: "v3", invokeMs: 28, ackMs: 30 });
  return { b, v1, v2, v3 };
}

describe("readStaleness", () => {
  it("measures from the acknowledgement of the first newer write the read missed", () => {
    const { b, v1, v2 } = threeWrites();
    b.read({ client: "bob", invokeMs: 25, node: "A", sees: { x: v1 }, purpose: "serve" });
    b.read({ client: "bob", invokeMs: 40, node: "B", sees: { x: v1 } });
    b.read({ client: "bob", invokeMs: 40, node: "C", sees: { x: v2 } });
    b.read({ client: "bob", invokeMs: 9, node: "A", sees: { x: v1 } });
    const rows = readStaleness(b.build());
    // v2 acked at 10: 15 ms at 25 ms, 30 ms at 40 ms; v3 (acked at 30) is the first v2 misses: 10 ms.
    expect(rows.map((r) => [r.operation, r.node, r.stalenessMs])).toEqual([
      ["serve", "A", 15],
      ["background", "B", 30],
      ["background", "C", 10],
      ["background", "A", 0],
    ]);
  });

  it("counts a read of nothing as stale since the first acknowledged write, and a read of a newer, unacknowledged write as fresh", () => {
    const b = new HistoryBuilder();
    const v1 = b.write({ client: "alice", key: "x", value: "v1", invokeMs: 0, ackMs: 5 });
    const v2 = b.write({ client: "alice", key: "x", value: "v2", invokeMs: 6 });
    b.read({ client: "bob", invokeMs: 12, node: "A", sees: { x: null } });
    b.read({ client: "bob", invokeMs: 12, node: "L", sees: { x: v2 } });
    b.read({ client: "bob", invokeMs: 12, node: "L", sees: { x: v1 } });
    expect(readStaleness(b.build()).map((r) => [r.stale, r.stalenessMs])).toEqual([[true, 7], [false, 0], [false, 0]]);
  });

  it("counts a read that misses a write acknowledged at the very moment it began as stale by 0 ms", () => {
    const b = new HistoryBuilder();
    b.write({ client: "alice", key: "x", value: "v1", invokeMs: 0, ackMs: 5 });
    b.read({ client: "alice", invokeMs: 5, node: "A", sees: { x: null }, purpose: "read-back" });
    const h = b.build();
    expect(readStaleness(h)[0]).toMatchObject({ stale: true, stalenessMs: 0 });
    expect(stalenessByOperation(h, { "read-back": 0 })[0]).toMatchObject({ stalePct: 100, overLimitPct: 100 });
  });

  it("agrees with staleReads on which reads are stale, in simulated runs", () => {
    for (const seed of [1, 2, 3]) {
      const run = simulate({
        seed,
        followers: 3,
        network: { toFollowerMs: exponential({ meanMs: 3 }) },
        workload: { writesPerSec: 2000, writes: 2000, keys: 5 },
        reads: { readsPerSec: 4000, routing: anyFollower() },
      });
      const stale = new Set(staleReads(run.history).map((v) => v.ops[0]));
      const measured = readStaleness(run.history);
      expect(stale.size).toBeGreaterThan(50);
      expect(new Set(measured.filter((r) => r.stale).map((r) => r.read))).toEqual(stale);
    }
  });
});

describe("stalenessByOperation", () => {
  it("sums up per purpose, with the share over each purpose's limit", () => {
    const { b, v1 } = threeWrites();
    for (const t of [11, 14, 20, 26]) b.read({ client: "s", invokeMs: t, node: "A", sees: { x: v1 }, purpose: "serve" });
    b.read({ client: "d", invokeMs: 40, node: "L", sees: { x: 2 }, purpose: "dashboard" });
    // Stale by 1, 4, 10 and 16 ms (v2 was acknowledged at 10 ms): two of four at 5 ms or more.
    const rows = stalenessByOperation(b.build(), { serve: 5 });
    expect(rows).toEqual([
      { operation: "serve", reads: 4, leaderSharePct: 0, stalePct: 100, stalenessMsP50: 7, stalenessMsP99: expect.closeTo(15.82, 6), stalenessMsMax: 16, overLimitPct: 50 },
      { operation: "dashboard", reads: 1, leaderSharePct: 100, stalePct: 0, stalenessMsP50: 0, stalenessMsP99: 0, stalenessMsMax: 0 },
    ]);
  });

  it("names a bad limit", () => {
    const { b } = threeWrites();
    expect(() => stalenessByOperation(b.build(), { serve: -1 })).toThrow(ConfigError);
    expect(() => stalenessByOperation(b.build(), { serve: "soon" as never })).toThrow(/limitsMs\["serve"\]/);
  });
});

describe("stalenessOverTime", () => {
  it("bins one operation's reads by invoke time, with the stalest read of each bin", () => {
    const { b, v1, v2 } = threeWrites();
    b.read({ client: "s", invokeMs: 11, node: "A", sees: { x: v1 }, purpose: "serve" });
    b.read({ client: "s", invokeMs: 19, node: "L", sees: { x: v2 }, purpose: "serve" });
    b.read({ client: "s", invokeMs: 26, node: "A", sees: { x: v1 }, purpose: "serve" });
    b.read({ client: "d", invokeMs: 26, node: "A", sees: { x: v1 }, purpose: "dashboard" });
    expect(stalenessOverTime(b.build(), { binMs: 10, operation: "serve" })).toEqual([
      { tMs: 0, reads: 0, staleReads: 0, stalenessMsMax: 0, leaderReads: 0 },
      { tMs: 10, reads: 2, staleReads: 1, stalenessMsMax: 1, leaderReads: 1 },
      { tMs: 20, reads: 1, staleReads: 1, stalenessMsMax: 16, leaderReads: 0 },
    ]);
    expect(() => stalenessOverTime(b.build(), { binMs: 0 })).toThrow(/binMs: 0 is not allowed/);
  });
});

import { describe, expect, it } from "vitest";
import { HistoryBuilder } from "./historyBuilder";
import { InvalidHistoryError } from "./invalidHistory";
import { lostWrites } from "./lostWrites";

/** L acknowledges writes 1-3; A has only 1-2 when L crashes and A takes over in epoch 2. */
function asyncFailover(): HistoryBuilder {
  const b = new HistoryBuilder();
  b.write({ client: "c0", key: "x", value: "1", invokeMs: 0, ackMs: 1, lsn: 1 });
  b.write({ client: "c0", key: "y", value: "2", invokeMs: 2, ackMs: 3, lsn: 2 });
  b.write({ client: "c1", key: "x", value: "3", invokeMs: 4, ackMs: 5, lsn: 3 });
  b.event({ kind: "crash", atMs: 6, node: "L" });
  b.event({ kind: "elected", atMs: 40, node: "A", epoch: 2 });
  b.write({ client: "c1", key: "x", value: "4", invokeMs: 41, ackMs: 42, node: "A", epoch: 2, lsn: 3 });
  return b;
}

describe("lostWrites", () => {
  it("finds the acknowledged write the new leader never had", () => {
    const h = asyncFailover().build({ finalLog: [0, 1, 3], finalLeader: "A" });
    expect(lostWrites(h)).toEqual([
      {
        guarantee: "lost-writes",
        ops: [2],
        atMs: 40,
        message:
          'write 2 by c1 (x = "3") was acknowledged at 5 ms by L (epoch 1) but is missing from the final log of leader A: lost when A was elected leader at 40 ms',
      },
    ]);
  });

  it("dates a write a deposed leader acknowledged after the election at its acknowledgement", () => {
    const b = asyncFailover();
    const late = b.write({ client: "c2", key: "z", value: "late", invokeMs: 30, ackMs: 45, lsn: 4 });
    const lost = lostWrites(b.build({ finalLog: [0, 1, 2, 3], finalLeader: "A" }));
    expect(lost.map((v) => [v.ops[0], v.atMs])).toEqual([[late, 45]]);
    expect(lost[0].message).toBe(
      'write 4 by c2 (z = "late") was acknowledged at 45 ms by L (epoch 1) but is missing from the final log of leader A: A had already been elected leader at 40 ms',
    );
  });

  it("names the leader whose election lost the write, not the final one", () => {
    // L crashes and A takes over without write 2; later A fails and B leads to the end.
    const b = asyncFailover();
    b.event({ kind: "crash", atMs: 50, node: "A" });
    b.event({ kind: "elected", atMs: 80, node: "B", epoch: 3 });
    const lost = lostWrites(b.build({ finalLog: [0, 1, 3], finalLeader: "B" }));
    expect(lost.map((v) => v.message)).toEqual([
      'write 2 by c1 (x = "3") was acknowledged at 5 ms by L (epoch 1) but is missing from the final log of leader B: lost when A was elected leader at 40 ms',
    ]);
  });

  it("reports nothing for an empty history", () => {
    expect(lostWrites(new HistoryBuilder().build())).toEqual([]);
  });

  it("reports nothing when every acknowledged write survived", () => {
    expect(lostWrites(asyncFailover().build({ finalLog: [0, 1, 2, 3], finalLeader: "A" }))).toEqual([]);
  });

  it("does not count unacknowledged or failed writes as lost", () => {
    const b = new HistoryBuilder();
    b.write({ client: "c0", key: "x", value: "1", invokeMs: 0, ackMs: 1 });
    b.write({ client: "c0", key: "x", value: "in flight", invokeMs: 2 });
    b.write({ client: "c0", key: "x", value: "refused", invokeMs: 3, failure: "not-leader" });
    expect(lostWrites(b.build({ finalLog: [0] }))).toEqual([]);
  });

  it("dates a loss without any election at its acknowledgement", () => {
    const b = new HistoryBuilder();
    b.write({ client: "c0", key: "x", value: "1", invokeMs: 0, ackMs: 1 });
    const [violation] = lostWrites(b.build({ finalLog: [], finalLeader: null }));
    expect(violation.atMs).toBe(1);
    expect(violation.message).toBe('write 0 by c0 (x = "1") was acknowledged at 1 ms by L (epoch 1) but is missing from the final log');
  });

  it("rejects a final log that names something other than an accepted write", () => {
    const b = new HistoryBuilder();
    b.write({ client: "c0", key: "x", value: "1", invokeMs: 0, ackMs: 1 });
    b.read({ client: "c0", invokeMs: 2, sees: { x: 0 } });
    expect(() => lostWrites(b.build({ finalLog: [0, 1] }))).toThrow(InvalidHistoryError);
    expect(() => lostWrites(b.build({ finalLog: [0, 1] }))).toThrow("history: finalLog[1] is 1");
  });
});

import { describe, expect, it } from "vitest";
import { HistoryBuilder } from "./historyBuilder";
import { InvalidHistoryError } from "./invalidHistory";
import { staleReads } from "./staleReads";

/** alice writes x twice (acks at 2 and 10 ms); the caller adds the reads. */
function twoWrites(): { b: HistoryBuilder; v1: number; v2: number } {
  const b = new HistoryBuilder();
  const v1 = b.write({ client: "alice", key: "x", value: "v1", invokeMs: 0, ackMs: 2 });
  const v2 = b.write({ client: "alice", key: "x", value: "v2", invokeMs: 8, ackMs: 10 });
  return { b, v1, v2 };
}

describe("staleReads", () => {
  it("finds the one read that returned a value older than an acknowledged write", () => {
    const { b, v1, v2 } = twoWrites();
    const read = b.read({ client: "bob", invokeMs: 20, completeMs: 21, node: "A", sees: { x: v1 } });
    const violations = staleReads(b.build());
    expect(violations).toEqual([
      {
        guarantee: "stale-reads",
        ops: [read, v2, v1],
        atMs: 20,
        message:
          'read 2 by bob at 20 ms saw x = "v1" (write 0) on node A, but write 1 (x = "v2") was acknowledged at 10 ms, before the read began',
      },
    ]);
  });

  it("reports nothing for an empty history", () => {
    expect(staleReads(new HistoryBuilder().build())).toEqual([]);
  });

  it("reports nothing when every read is served by the leader after the writes are acknowledged", () => {
    const { b, v2 } = twoWrites();
    b.read({ client: "bob", invokeMs: 11, sees: { x: v2 } });
    b.read({ client: "alice", invokeMs: 30, sees: { x: v2 } });
    expect(staleReads(b.build())).toEqual([]);
  });

  it("does not blame a read that began before the newer write was acknowledged", () => {
    const { b, v1 } = twoWrites();
    b.read({ client: "bob", invokeMs: 9.99, node: "A", sees: { x: v1 } });
    expect(staleReads(b.build())).toEqual([]);
  });

  it("counts an acknowledgement at the very instant the read begins", () => {
    const { b, v1 } = twoWrites();
    b.read({ client: "bob", invokeMs: 10, node: "A", sees: { x: v1 } });
    expect(staleReads(b.build())).toHaveLength(1);
  });

  it("ignores writes that were never acknowledged or failed", () => {
    const b = new HistoryBuilder();
    const v1 = b.write({ client: "alice", key: "x", value: "v1", invokeMs: 0, ackMs: 2 });
    b.write({ client: "alice", key: "x", value: "stalled", invokeMs: 3 });
    b.write({ client: "alice", key: "x", value: "fenced", invokeMs: 4, failure: "fenced", failedMs: 5 });
    b.read({ client: "bob", invokeMs: 20, node: "A", sees: { x: v1 } });
    expect(staleReads(b.build())).toEqual([]);
  });

  it("does not call a read of a newer, not yet acknowledged write stale", () => {
    const b = new HistoryBuilder();
    b.write({ client: "alice", key: "x", value: "v1", invokeMs: 0, ackMs: 2 });
    const pending = b.write({ client: "alice", key: "x", value: "v2", invokeMs: 3 });
    b.read({ client: "bob", invokeMs: 5, node: "A", sees: { x: pending } });
    expect(staleReads(b.build())).toEqual([]);
  });

  it("treats a never-written key as fine and a missing value after an ack as stale", () => {
    const { b } = twoWrites();
    b.read({ client: "bob", invokeMs: 20, node: "A", sees: { nobody: null } });
    b.read({ client: "bob", invokeMs: 21, node: "A", sees: { x: null } });
    const violations = staleReads(b.build());
    expect(violations.map((v) => v.ops)).toEqual([[3, 1]]);
    expect(violations[0].message).toMatch(/^read 3 by bob at 21 ms saw no value for x on node A, but write 1/);
  });

  it("checks every key of a multi-key read on its own", () => {
    const b = new HistoryBuilder();
    const x = b.write({ client: "alice", key: "x", value: "x1", invokeMs: 0, ackMs: 1 });
    b.write({ client: "alice", key: "y", value: "y1", invokeMs: 0, ackMs: 1 });
    b.read({ client: "bob", invokeMs: 5, node: "A", sees: { x, y: null } });
    expect(staleReads(b.build()).map((v) => v.message)).toEqual([
      'read 2 by bob at 5 ms saw no value for y on node A, but write 1 (y = "y1") was acknowledged at 1 ms, before the read began',
    ]);
  });

  it("orders writes by epoch before log position, because a new leader reuses positions", () => {
    const b = new HistoryBuilder();
    b.write({ client: "alice", key: "x", value: "v1", invokeMs: 0, ackMs: 1, lsn: 1 });
    // L's second write never reached B; B becomes leader in epoch 2 and reuses position 2.
    const lostTail = b.write({ client: "alice", key: "x", value: "old-branch", invokeMs: 2, lsn: 2 });
    b.event({ kind: "crash", atMs: 3, node: "L" });
    b.event({ kind: "elected", atMs: 10, node: "B", epoch: 2 });
    const fresh = b.write({ client: "carol", key: "x", value: "v2", invokeMs: 11, ackMs: 12, node: "B", epoch: 2, lsn: 2 });
    b.read({ client: "bob", invokeMs: 20, node: "L", sees: { x: lostTail } });
    const h = b.build({ finalLog: [0, fresh], finalLeader: "B" });
    expect(staleReads(h).map((v) => v.ops)).toEqual([[3, fresh, lostTail]]);
  });

  it("stops counting a lost acknowledged write once a new leader is elected", () => {
    const b = new HistoryBuilder();
    const v1 = b.write({ client: "alice", key: "x", value: "v1", invokeMs: 0, ackMs: 1, lsn: 1 });
    const lost = b.write({ client: "alice", key: "x", value: "v2", invokeMs: 2, ackMs: 3, lsn: 2 });
    b.event({ kind: "elected", atMs: 10, node: "A", epoch: 2 });
    const before = b.read({ client: "bob", invokeMs: 5, node: "A", sees: { x: v1 } });
    b.read({ client: "bob", invokeMs: 15, node: "A", sees: { x: v1 } });
    const h = b.build({ finalLog: [v1], finalLeader: "A" });
    expect(staleReads(h).map((v) => v.ops)).toEqual([[before, lost, v1]]);
  });

  it("rejects a read of a write that is not in the history, naming the field", () => {
    const { b, v1 } = twoWrites();
    b.read({ client: "bob", invokeMs: 20, sees: { x: v1 } });
    const h = b.build();
    (h.ops[2] as { observed: { writeId: number }[] }).observed[0].writeId = 99;
    expect(() => staleReads(h)).toThrow(InvalidHistoryError);
    expect(() => staleReads(h)).toThrow("history: ops[2].observed[0].writeId is 99");
  });
});

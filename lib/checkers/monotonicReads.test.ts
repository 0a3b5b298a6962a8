import { describe, expect, it } from "vitest";
import { HistoryBuilder } from "./historyBuilder";
import { monotonicReads } from "./monotonicReads";

/** Two comments-count versions, both acknowledged by 3 ms. */
function counter(): { b: HistoryBuilder; v1: number; v2: number } {
  const b = new HistoryBuilder();
  const v1 = b.write({ client: "alice", key: "likes", value: "1", invokeMs: 0, ackMs: 1 });
  const v2 = b.write({ client: "alice", key: "likes", value: "2", invokeMs: 2, ackMs: 3 });
  return { b, v1, v2 };
}

describe("monotonicReads", () => {
  it("finds the read that went back in time after a fresher one", () => {
    const { b, v1, v2 } = counter();
    const first = b.read({ client: "bob", invokeMs: 10, completeMs: 11, node: "A", sees: { likes: v2 } });
    const second = b.read({ client: "bob", invokeMs: 12, completeMs: 13, node: "B", sees: { likes: v1 } });
    expect(monotonicReads(b.build())).toEqual([
      {
        guarantee: "monotonic-reads",
        ops: [second, first],
        atMs: 12,
        message:
          'bob\'s read 3 at 12 ms saw likes = "1" (write 0) on node B, older than likes = "2" (write 1) that bob\'s earlier read 2 saw on node A: likes went back in time',
      },
    ]);
  });

  it("reports nothing for an empty history", () => {
    expect(monotonicReads(new HistoryBuilder().build())).toEqual([]);
  });

  it("reports nothing when each read sees the same or a newer value", () => {
    const { b, v1, v2 } = counter();
    b.read({ client: "bob", invokeMs: 1.5, node: "A", sees: { likes: v1 } });
    b.read({ client: "bob", invokeMs: 4, node: "B", sees: { likes: v1 } });
    b.read({ client: "bob", invokeMs: 5, node: "A", sees: { likes: v2 } });
    expect(monotonicReads(b.build())).toEqual([]);
  });

  it("does not compare reads that overlap in time", () => {
    const { b, v1, v2 } = counter();
    b.read({ client: "bob", invokeMs: 10, completeMs: 20, node: "A", sees: { likes: v2 } });
    b.read({ client: "bob", invokeMs: 15, completeMs: 16, node: "B", sees: { likes: v1 } });
    expect(monotonicReads(b.build())).toEqual([]);
  });

  it("does not compare different clients or different keys", () => {
    const { b, v1, v2 } = counter();
    const other = b.write({ client: "alice", key: "views", value: "9", invokeMs: 0, ackMs: 1 });
    b.read({ client: "bob", invokeMs: 10, node: "A", sees: { likes: v2 } });
    b.read({ client: "carol", invokeMs: 12, node: "B", sees: { likes: v1 } });
    b.read({ client: "bob", invokeMs: 14, node: "B", sees: { views: other } });
    expect(monotonicReads(b.build())).toEqual([]);
  });

  it("counts a value vanishing on a replica that never had it", () => {
    const { b, v1 } = counter();
    b.read({ client: "bob", invokeMs: 10, node: "A", sees: { likes: v1 } });
    b.read({ client: "bob", invokeMs: 12, node: "C", sees: { likes: null } });
    const [violation] = monotonicReads(b.build());
    expect(violation.message).toMatch(/saw no value for likes on node C, older than likes = "1"/);
  });

  it("reports each backwards step against the newest value seen before it", () => {
    const { b, v1, v2 } = counter();
    b.read({ client: "bob", invokeMs: 10, sees: { likes: v2 } });
    b.read({ client: "bob", invokeMs: 11, node: "B", sees: { likes: v1 } });
    b.read({ client: "bob", invokeMs: 12, node: "C", sees: { likes: null } });
    expect(monotonicReads(b.build()).map((v) => v.ops)).toEqual([
      [3, 2],
      [4, 2],
    ]);
  });
});

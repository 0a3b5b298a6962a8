import { describe, expect, it } from "vitest";
import { HistoryBuilder } from "./historyBuilder";
import { readYourWrites } from "./readYourWrites";

/** alice sets her profile name twice; the second edit is acknowledged at 10 ms. */
function profileEdits(): { b: HistoryBuilder; old: number; edit: number } {
  const b = new HistoryBuilder();
  const old = b.write({ client: "alice", key: "profile:alice", value: "Alice", invokeMs: 0, ackMs: 2 });
  const edit = b.write({ client: "alice", key: "profile:alice", value: "Alice Liddell", invokeMs: 8, ackMs: 10 });
  return { b, old, edit };
}

describe("readYourWrites", () => {
  it("finds the reload that missed the client's own acknowledged edit", () => {
    const { b, old, edit } = profileEdits();
    const reload = b.read({ client: "alice", invokeMs: 12, node: "B", sees: { "profile:alice": old } });
    expect(readYourWrites(b.build())).toEqual([
      {
        guarantee: "read-your-writes",
        ops: [reload, edit, old],
        atMs: 12,
        message:
          'alice\'s read 2 at 12 ms saw profile:alice = "Alice" (write 0) on node B, missing alice\'s own write 1 (profile:alice = "Alice Liddell") acknowledged at 10 ms',
      },
    ]);
  });

  it("reports nothing for an empty history", () => {
    expect(readYourWrites(new HistoryBuilder().build())).toEqual([]);
  });

  it("reports nothing when the client reads from the leader after its acks", () => {
    const { b, edit } = profileEdits();
    b.read({ client: "alice", invokeMs: 10, sees: { "profile:alice": edit } });
    expect(readYourWrites(b.build())).toEqual([]);
  });

  it("leaves other clients' stale reads to staleReads", () => {
    const { b, old } = profileEdits();
    b.read({ client: "bob", invokeMs: 12, node: "B", sees: { "profile:alice": old } });
    expect(readYourWrites(b.build())).toEqual([]);
  });

  it("does not expect a write the client has not been told succeeded", () => {
    const b = new HistoryBuilder();
    const old = b.write({ client: "alice", key: "k", value: "1", invokeMs: 0, ackMs: 1 });
    b.write({ client: "alice", key: "k", value: "2", invokeMs: 2, ackMs: 9 });
    b.write({ client: "alice", key: "k", value: "3", invokeMs: 3, failure: "not-leader", failedMs: 4 });
    b.read({ client: "alice", invokeMs: 5, node: "B", sees: { k: old } });
    expect(readYourWrites(b.build())).toEqual([]);
  });

  it("counts a key the client wrote but the replica has never heard of", () => {
    const { b, edit } = profileEdits();
    b.read({ client: "alice", invokeMs: 12, node: "C", sees: { "profile:alice": null, "never-written": null } });
    expect(readYourWrites(b.build()).map((v) => v.ops)).toEqual([[2, edit]]);
  });

  it("accepts a newer value written by someone else", () => {
    const { b } = profileEdits();
    const newer = b.write({ client: "admin", key: "profile:alice", value: "A. L.", invokeMs: 11, ackMs: 13 });
    b.read({ client: "alice", invokeMs: 14, node: "B", sees: { "profile:alice": newer } });
    expect(readYourWrites(b.build())).toEqual([]);
  });
});

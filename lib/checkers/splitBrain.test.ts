import { describe, expect, it } from "vitest";
import { HistoryBuilder } from "./historyBuilder";
import { splitBrain } from "./splitBrain";

/**
 * L pauses at 100 ms; B is elected in epoch 2 at 150 ms and takes writes from 160 ms. L wakes at
 * 300 ms still believing it leads; `fenced` decides whether the storage layer refuses its writes.
 */
function pausedLeader(fenced: boolean): HistoryBuilder {
  const b = new HistoryBuilder();
  b.write({ client: "c0", key: "x", value: "1", invokeMs: 50, ackMs: 51, lsn: 1 });
  b.event({ kind: "pause", atMs: 100, node: "L", untilMs: 300 });
  b.event({ kind: "elected", atMs: 150, node: "B", epoch: 2 });
  b.write({ client: "c1", key: "x", value: "2", invokeMs: 160, ackMs: 161, node: "B", epoch: 2, lsn: 2 });
  b.write({ client: "c1", key: "y", value: "3", invokeMs: 299, ackMs: 300, node: "B", epoch: 2, lsn: 3 });
  if (fenced) b.write({ client: "c0", key: "x", value: "old", invokeMs: 301, failure: "fenced", failedMs: 302 });
  else b.write({ client: "c0", key: "x", value: "old", invokeMs: 301, ackMs: 302, lsn: 2 });
  b.write({ client: "c1", key: "x", value: "4", invokeMs: 320, ackMs: 321, node: "B", epoch: 2, lsn: 4 });
  return b;
}

describe("splitBrain", () => {
  it("finds the old leader accepting writes while the new one does", () => {
    const h = pausedLeader(false).build({ finalLog: [0, 1, 2, 4], finalLeader: "B" });
    expect(splitBrain(h)).toEqual([
      {
        guarantee: "split-brain",
        ops: [3, 2],
        atMs: 160,
        message:
          "L (epoch 1) and B (epoch 2) both accepted writes as leader between 160 ms and 320 ms: L took 1, B took 3, e.g. write 3 sent to L at 301 ms (acknowledged at 302 ms) and write 2 sent to B at 299 ms (acknowledged at 300 ms)",
      },
    ]);
  });

  it("reports nothing when fencing refuses the old leader's writes", () => {
    expect(splitBrain(pausedLeader(true).build({ finalLog: [0, 1, 2, 4], finalLeader: "B" }))).toEqual([]);
  });

  it("reports nothing for an empty history", () => {
    expect(splitBrain(new HistoryBuilder().build())).toEqual([]);
  });

  it("reports nothing for a clean failover: the old leader stopped before the new one started", () => {
    const b = new HistoryBuilder();
    b.write({ client: "c0", key: "x", value: "1", invokeMs: 0, ackMs: 1 });
    b.write({ client: "c0", key: "x", value: "2", invokeMs: 5 }); // in flight when L crashed
    b.event({ kind: "crash", atMs: 6, node: "L" });
    b.event({ kind: "elected", atMs: 40, node: "A", epoch: 2 });
    b.write({ client: "c0", key: "x", value: "3", invokeMs: 41, ackMs: 42, node: "A", epoch: 2, lsn: 2 });
    b.event({ kind: "recover", atMs: 50, node: "L" });
    b.event({ kind: "demoted", atMs: 50, node: "L", epoch: 2 });
    b.write({ client: "c0", key: "x", value: "5", invokeMs: 60, ackMs: 61, node: "A", epoch: 2, lsn: 3 });
    expect(splitBrain(b.build({ finalLog: [0, 2, 3], finalLeader: "A" }))).toEqual([]);
  });

  it("ends a leader's reign at its demotion, so later leaders do not overlap it", () => {
    const b = new HistoryBuilder();
    b.event({ kind: "elected", atMs: 0, node: "L", epoch: 1 });
    b.write({ client: "c0", key: "x", value: "1", invokeMs: 1, ackMs: 2 });
    b.event({ kind: "demoted", atMs: 10, node: "L", epoch: 1 });
    b.event({ kind: "elected", atMs: 10, node: "A", epoch: 2 });
    b.write({ client: "c0", key: "x", value: "2", invokeMs: 11, ackMs: 12, node: "A", epoch: 2 });
    expect(splitBrain(b.build({ finalLeader: "A" }))).toEqual([]);
  });

  it("flags two nodes writing under the same epoch in a hand-built history without events", () => {
    const b = new HistoryBuilder();
    b.write({ client: "c0", key: "x", value: "1", invokeMs: 0, ackMs: 1, node: "L" });
    b.write({ client: "c1", key: "x", value: "2", invokeMs: 2, ackMs: 3, node: "A" });
    b.write({ client: "c0", key: "x", value: "3", invokeMs: 4, ackMs: 5, node: "L" });
    expect(splitBrain(b.build()).map((v) => v.ops)).toEqual([[2, 1]]);
  });
});

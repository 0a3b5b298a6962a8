import { describe, expect, it } from "vitest";
import { checkAll, CHECKERS, readChecker, readCheckerNames } from "./checkAll";
import { explainViolations } from "./explainViolations";
import { HistoryBuilder } from "./historyBuilder";

/** A small story with one stale read and one lost write, nothing else. */
function story() {
  const b = new HistoryBuilder();
  const v1 = b.write({ client: "alice", key: "x", value: "v1", invokeMs: 0, ackMs: 2 });
  b.write({ client: "alice", key: "x", value: "v2", invokeMs: 8, ackMs: 10 });
  b.read({ client: "bob", invokeMs: 20, node: "A", sees: { x: v1 } });
  return b.build({ finalLog: [v1] });
}

describe("checkAll", () => {
  it("runs every checker and keys the results by checker name", () => {
    const summary = checkAll(story());
    expect(Object.keys(summary)).toEqual(Object.keys(CHECKERS));
    expect(Object.entries(summary).map(([name, v]) => [name, v.length])).toEqual([
      ["staleReads", 1],
      ["readYourWrites", 0],
      ["monotonicReads", 0],
      ["consistentPrefix", 0],
      ["lostWrites", 1],
      ["splitBrain", 0],
      ["permissionLag", 0],
    ]);
  });

  it("finds nothing in an empty history", () => {
    expect(Object.values(checkAll(new HistoryBuilder().build())).flat()).toEqual([]);
  });
});

describe("explainViolations", () => {
  it("prints a table of violations, earliest first", () => {
    expect(explainViolations(checkAll(story()))).toBe(
      [
        "at ms  guarantee    ops      what happened",
        '10     lost-writes  1        write 1 by alice (x = "v2") was acknowledged at 10 ms by L (epoch 1) but is missing from the final log of leader L',
        '20     stale-reads  2, 1, 0  read 2 by bob at 20 ms saw x = "v1" (write 0) on node A, but write 1 (x = "v2") was acknowledged at 10 ms, before the read began',
      ].join("\n"),
    );
  });

  it("stops at the limit and says how many it left out", () => {
    const text = explainViolations(checkAll(story()), 1);
    expect(text.split("\n")).toHaveLength(3);
    expect(text.split("\n")[2]).toBe("… 1 more (2 in all)");
  });

  it("says so when there is nothing to report", () => {
    expect(explainViolations([])).toBe("No violations.");
  });
});

describe("the checker registry", () => {
  it("lists the checkers whose violations are charged to a read, and refuses others by name", () => {
    expect(readCheckerNames()).toEqual(["staleReads", "readYourWrites", "monotonicReads", "consistentPrefix", "permissionLag"]);
    expect(readChecker("monotonicReads", "needs")).toBe(CHECKERS.monotonicReads);
    expect(() => readChecker("lostWrites", "needs")).toThrow(/needs: "lostWrites" is not allowed; it must name a read checker: staleReads, readYourWrites/);
  });

  it("charges every read checker's violations to a read: the first op of each is a read", () => {
    const b = new HistoryBuilder();
    const v1 = b.write({ client: "alice", key: "x", value: "v1", invokeMs: 0, ackMs: 2 });
    const v2 = b.write({ client: "alice", key: "x", value: "v2", invokeMs: 8, ackMs: 10 });
    b.read({ client: "alice", invokeMs: 20, node: "A", sees: { x: v2 } });
    b.read({ client: "alice", invokeMs: 30, node: "B", sees: { x: v1 } });
    const h = b.build({ finalLog: [v1, v2] });
    for (const name of readCheckerNames()) {
      for (const v of CHECKERS[name](h)) expect(h.ops[v.ops[0]].kind, name).toBe("read");
    }
    expect(CHECKERS.staleReads(h).length + CHECKERS.monotonicReads(h).length).toBeGreaterThan(0);
  });
});

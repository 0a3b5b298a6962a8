import { describe, expect, test } from "vitest";
import { HistoryBuilder } from "./checkers/historyBuilder";
import { exponential } from "./dist";
import { elections, firstElectionAbove, leaderAt } from "./leadership";
import { simulate } from "./sim";

function twoFailovers() {
  return new HistoryBuilder()
    .event({ kind: "crash", atMs: 5, node: "L" })
    .event({ kind: "elected", atMs: 30, node: "B", epoch: 3 })
    .event({ kind: "elected", atMs: 10, node: "A", epoch: 2 })
    .build();
}

describe("who led when", () => {
  test("elections come in time order, whatever order they were recorded in", () => {
    expect(elections(twoFailovers()).map((e) => e.node)).toEqual(["A", "B"]);
  });

  test("leaderAt names the initial leader until the first election, then each elected node from its election on", () => {
    const leader = leaderAt(twoFailovers());
    expect([0, 9.99, 10, 29, 30, 1e9].map(leader)).toEqual(["L", "L", "A", "A", "B", "B"]);
    expect(leaderAt(new HistoryBuilder().build(), "P")(100)).toBe("P");
  });

  test("firstElectionAbove gives when a later epoch was first elected", () => {
    const after = firstElectionAbove(twoFailovers());
    expect([1, 2, 3].map(after)).toEqual([10, 30, Infinity]);
  });

  test("agrees with a simulated failover's final leader", () => {
    const run = simulate({
      seed: 2,
      followers: 3,
      network: { oneWayMs: exponential({ meanMs: 1 }) },
      workload: { writesPerSec: 500, writes: 1000 },
      failover: { crashLeader: { atMs: 500 } },
    });
    expect(run.failover.failovers).toBe(1);
    expect(leaderAt(run.history)(run.endMs)).toBe(run.history.finalLeader);
    expect(leaderAt(run.history)(499)).toBe("L");
  });
});

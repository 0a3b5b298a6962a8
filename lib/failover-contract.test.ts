import { describe, expect, test } from "vitest";
import { HistoryBuilder } from "./checkers/historyBuilder";
import { exponential } from "./dist";
import { ConfigError } from "./errors";
import { failoverContract } from "./failover-contract";
import { simulate } from "./sim";
import { smallCluster } from "./sim/test-clusters";

describe("failoverContract", () => {
  test("counts lost writes, a deposed leader's acknowledgements, failures and the longest stretch without a lasting one", () => {
    const b = new HistoryBuilder();
    b.write({ client: "c", key: "x", value: "1", invokeMs: 0, ackMs: 1 }); // before the fault
    const lostByOld = b.write({ client: "c", key: "x", value: "2", invokeMs: 10, ackMs: 25 }); // L, epoch 1, acked after A's election
    b.write({ client: "d", key: "y", value: "3", invokeMs: 11, failure: "not-leader", failedMs: 30 });
    b.write({ client: "d", key: "y", value: "4", invokeMs: 40, ackMs: 41, node: "A", epoch: 2, lsn: 2 });
    b.write({ client: "d", key: "y", value: "5", invokeMs: 50, ackMs: 52, node: "A", epoch: 2, lsn: 3 });
    b.event({ kind: "elected", atMs: 20, node: "A", epoch: 2 });
    const h = b.build({ finalLog: [0, 3, 4], finalLeader: "A" });
    expect(h.ops[lostByOld].kind).toBe("write");
    expect(failoverContract(h, 5)).toEqual({ ackedWritesLost: 1, ackedByDeposedLeader: 1, outageMs: 36, failedWrites: 1, failovers: 1 });
    expect(failoverContract(h, 60).outageMs).toBe(Infinity);
  });

  test("agrees with the run's own count of a deposed leader's acknowledgements", () => {
    const run = simulate({
      ...smallCluster(2),
      partitions: [{ fromMs: 500, toMs: 1200, sides: [["L", "c0", "c1", "c2", "c3"], ["A", "B", "M1", "c4", "c5", "c6", "c7"]] }],
      failover: { detector: { heartbeatMs: 10, timeoutMs: 50 }, clientRerouteMs: exponential({ meanMs: 30 }) },
    });
    const c = failoverContract(run.history, 500);
    expect(c.ackedByDeposedLeader).toBe(run.failover.splitBrainWrites);
    expect(c.ackedByDeposedLeader).toBeGreaterThan(0);
    expect(c.outageMs).toBeGreaterThan(40); // until the new leader took writes
    expect(c.outageMs).toBeLessThan(200);
  });

  test("names a bad fault time", () => {
    expect(() => failoverContract(new HistoryBuilder().build(), -1)).toThrow(ConfigError);
  });
});

import { describe, expect, it } from "vitest";
import type { ScriptedOp, SimConfig } from "../config";
import { exponential } from "../dist";
import { asyncAck } from "../policies";
import { anyFollower, leaderOnly, readYourWrites as readYourWritesRouting, type ReadRouting } from "../reads";
import { simulate } from "../sim";
import { checkAll, type CheckSummary } from "./checkAll";
import { writeOrder } from "./writeOrder";

const counts = (s: CheckSummary) => Object.fromEntries(Object.entries(s).map(([name, v]) => [name, v.length]));
const NONE = counts(checkAll({ ops: [], events: [], finalLog: [], finalLeader: null }));

/** Async replication to three followers, 3,000 writes and 2,000 reads a second for 3 s. */
function readRun(routing: ReadRouting): CheckSummary {
  const config: SimConfig = {
    seed: 7,
    followers: 3,
    ack: asyncAck(),
    network: { oneWayMs: exponential({ meanMs: 1 }) },
    workload: { writesPerSec: 1000, writes: 3000 },
    reads: { readsPerSec: 2000, routing },
  };
  return checkAll(simulate(config).history);
}

/** The lesson's stories: a reply to a question read as one page, and a revoked permission checked at once. */
const STORIES: ScriptedOp[] = [
  { kind: "write", atMs: 10, client: "cake", key: "post1:c1", value: "How far into the future?", label: "q" },
  { kind: "write", atMs: 2, afterOp: "q", client: "poons", key: "post1:c2", value: "About ten seconds", dependsOn: ["q"], label: "r" },
  ...[1, 2, 3, 4, 5, 6].map((d) => ({ kind: "read" as const, atMs: d, afterOp: "r", client: `reader${d}`, keys: ["post1:c1", "post1:c2"] })),
  { kind: "write", atMs: 10, client: "admin", key: "perm:alice:delete", value: "granted", label: "g" },
  { kind: "write", atMs: 50, afterOp: "g", client: "admin", key: "perm:alice:delete", value: "revoked", label: "rv" },
  { kind: "read", atMs: 0, afterOp: "rv", client: "app", keys: ["perm:alice:delete"], purpose: "check-permission" },
];

/** Totals over ten seeds of the stories, with followers 5 ms away on average. */
function storyRuns(routing: ReadRouting): Record<string, number> {
  const total = { ...NONE };
  for (let seed = 1; seed <= 10; seed++) {
    const run = simulate({
      seed,
      followers: 3,
      network: { oneWayMs: exponential({ meanMs: 5 }) },
      workload: { writes: 0, script: STORIES },
      reads: { routing },
    });
    for (const [name, n] of Object.entries(counts(checkAll(run.history)))) total[name] += n;
  }
  return total;
}

/** The leader pauses for 300 ms; A is elected meanwhile; clients' queued writes reach L when it wakes. */
function pausedLeaderRun(fencing: boolean) {
  return simulate({
    seed: 7,
    followers: 3,
    network: { oneWayMs: exponential({ meanMs: 1 }) },
    workload: { writesPerSec: 1000, writes: 3000 },
    reads: { readsPerSec: 500, routing: leaderOnly() },
    faults: [{ node: "L", kind: "pause", fromMs: 1000, toMs: 1300 }],
    failover: { fencing },
  }).history;
}

describe("checkers on simulated runs", () => {
  it("find stale, read-your-writes and monotonic-read violations when reads go to any follower", () => {
    const found = counts(readRun(anyFollower()));
    expect(found.staleReads).toBeGreaterThan(0);
    expect(found.readYourWrites).toBeGreaterThan(0);
    expect(found.monotonicReads).toBeGreaterThan(0);
  });

  it("find nothing at all when every read goes to the leader and nothing fails", () => {
    expect(counts(readRun(leaderOnly()))).toEqual(NONE);
  });

  it("find no read-your-writes violation under read-your-writes routing, while other clients still read stale", () => {
    const found = counts(readRun(readYourWritesRouting()));
    expect(found.readYourWrites).toBe(0);
    expect(found.staleReads).toBeGreaterThan(0);
  });

  it("find replies shown without their question and revoked permissions still allowed on followers, never on the leader", () => {
    const followers = storyRuns(anyFollower());
    expect(followers.consistentPrefix).toBeGreaterThan(0);
    expect(followers.permissionLag).toBeGreaterThan(0);
    expect(storyRuns(leaderOnly())).toEqual(NONE);
  });

  it("find split brain and lost writes when a paused leader wakes without fencing, and neither with fencing", () => {
    const unfenced = counts(checkAll(pausedLeaderRun(false)));
    expect(unfenced.splitBrain).toBe(1);
    expect(unfenced.lostWrites).toBeGreaterThan(0);
    const fenced = pausedLeaderRun(true);
    expect(fenced.ops.some((op) => op.kind === "write" && op.failure === "fenced")).toBe(true);
    const found = counts(checkAll(fenced));
    expect([found.splitBrain, found.lostWrites]).toEqual([0, 0]);
  });

  it("rank the surviving writes of a failover in the order of the final log", () => {
    const h = pausedLeaderRun(false);
    expect(h.events.some((e) => e.kind === "elected")).toBe(true);
    const rank = writeOrder(h).rank;
    const ranks = h.finalLog.map((id) => rank[id]);
    expect(ranks.every((r, i) => i === 0 || r > ranks[i - 1])).toBe(true);
  });
});

/**
 * Small clusters the fault tests share (partitions, triggers, coordinators, fencing): two
 * followers a couple of milliseconds away, the workbook's 0.5 ms local commit, async acks.
 */
import { constant, exponential } from "../dist";
import { asyncAck } from "../policies";

export function smallCluster(seed: number, durationMs = 2000) {
  return {
    seed,
    followers: 2,
    ack: asyncAck(),
    leaderCommitMs: constant(0.5),
    network: { oneWayMs: exponential({ meanMs: 2 }) },
    workload: { writesPerSec: 400, durationMs, clients: 8 },
  };
}

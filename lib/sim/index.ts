/**
 * The discrete-event simulation of one leader, its followers, the replication log, client writes
 * and reads, faults and failover.
 *
 * One seed drives everything, split into named streams (network per link and direction, workload,
 * reads, faults). Time is virtual milliseconds. The run returns plain data: per-write timing arrays
 * for fast metrics, and a `History` of what each client saw, for the checkers.
 *
 * The files of this folder name the lesson's ideas: events.ts (what can happen), world.ts (every
 * piece of state), network.ts, replication.ts, acknowledgement.ts, reads.ts, faults.ts,
 * failover.ts with election.ts, workload.ts, results.ts, and the two engines that run them:
 * loop.ts (the event loop) and recurrence.ts (the same run, computed write by write). Faults and
 * failover beyond one monitor: links.ts (partitions), triggers.ts (faults started by protocol
 * events), coordinators.ts (several monitors, a majority lease) and storage.ts (fencing storage).
 */
import type { SimConfig } from "../config";
import { normalize } from "../config";
import { runEvents } from "./loop";
import { recurrenceApplies, runRecurrence } from "./recurrence";
import type { RunResult } from "./results";
import { World } from "./world";

export type { FailoverOutcome, RunResult, WriteTable } from "./results";

/**
 * Runs one simulation.
 *
 * @example
 * const run = simulate({ seed: 7, followers: 3, ack: quorum(2), workload: { writesPerSec: 1000, writes: 10_000 } });
 * summarize(run).commitLatencyMsP99;
 */
export function simulate(config: SimConfig): RunResult {
  const world = new World(normalize(config));
  return recurrenceApplies(world) ? runRecurrence(world) : runEvents(world);
}

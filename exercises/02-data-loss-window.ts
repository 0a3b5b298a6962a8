/**
 * Exercise 02 — The data-loss window: which acknowledged writes would a failover lose?
 *
 * With asynchronous replication the leader tells the client "committed" as soon as the write is in
 * its own log, and ships it to the followers afterwards. Between those two moments the write lives
 * on the leader alone (or at least not on every follower). If the leader dies then and a follower
 * that has not received the write is promoted, the write is gone, although its client was told it
 * succeeded. This exercise measures that window twice: exactly, from one run, and on average, from
 * two numbers a monitoring dashboard shows.
 *
 * ## (a) `writesLostOnFailover(run, follower, atMs)`
 *
 * The leader of `run` dies at `atMs` and `follower` is promoted at once. Return the writes that
 * are lost, as indices into `run.writes` (0, 1, 2, … in order of invocation), in increasing order,
 * each once. A write `i` is lost when both hold:
 *
 * 1. it was acknowledged by then: `run.writes.ackMs[i] <= atMs`. A write acknowledged exactly at
 *    `atMs` counts; `ackMs[i]` is `Infinity` for a write that was never acknowledged, and such a
 *    write cannot be an *acknowledged* write lost.
 * 2. the follower had not received it by then: it is not true that `receivedMs[f][i] <= atMs`,
 *    where `receivedMs = run.writes.receivedMs` and `f = run.followers.indexOf(follower)`. A write
 *    received exactly at `atMs` is safe; `Infinity` means never received.
 *
 * What the follower has *applied* (`run.writes.appliedMs`) does not matter: a promoted follower
 * first replays everything it has received, so a received but not yet applied write survives.
 * `follower` is always one of `run.followers`. Do not change `run`.
 *
 * ## (b) `expectedWritesLost({ writesPerSec, meanLagMs })`
 *
 * A dashboard shows the write rate (`writesPerSec`, acknowledged writes per second) and one
 * follower's mean replication lag (`meanLagMs`: on average, how many milliseconds pass from a
 * write's acknowledgement until that follower has received it). Return the expected number of
 * acknowledged writes that follower is missing at a random moment, which is how many a leader
 * crash at a random moment would lose on a failover to it. Mind the units: a rate per second, a
 * lag in milliseconds.
 *
 * ## How it is graded
 *
 * - (a) is compared exactly with the grader's own answer: hand-made write tables, one per rule
 *   above (a write right on each boundary, a never-acknowledged write, a received but unapplied
 *   write, acknowledgements that arrive out of index order, followers listed in another order
 *   than their names, lost writes numbered 9 and 10, which must come in numeric order, times a
 *   nanosecond either side of the crash, writes whose log positions are not in index order, a
 *   follower cut off for a day, and the example below), then simulated runs (1-3 followers,
 *   random delays, slow applies, semi-sync acknowledgements, a leader commit delay, a follower
 *   that crashes for a while or stalls for good), each asked about several followers and
 *   moments, some of them exactly at an acknowledgement or a receipt. A failing run is shown
 *   shrunk to the few of its writes that still fail (renumbered from 0).
 * - Before (a) scores full marks, a search of 200 small write tables (a few writes, small whole
 *   times so that acknowledgements, receipts and the crash coincide) looks for a wrong answer; the
 *   search is the same for the same grading, and a table it finds is shrunk before it is shown.
 * - (b) runs a simulation per case with the rate and a follower delay drawn at random, measures
 *   that follower's mean lag in the run and passes it to you with the rate; your answer must be
 *   within 10% of the number of acknowledged writes the follower was missing, averaged over the
 *   run's time (each write counted for its whole time missing, also past the run's last
 *   acknowledgement).
 * - Public cases use fixed seeds; hidden cases use secret seeds. `npm run replay -- 02 --seed N`
 *   reruns one seeded case and prints the run's details.
 *
 * @example
 * const run = simulate({ seed: 1, followers: 2, workload: { writesPerSec: 1000, writes: 200 } });
 * writesLostOnFailover(run, "B", 100); // [93, 94]: acknowledged by 100 ms, not yet on B
 * expectedWritesLost({ writesPerSec: 1000, meanLagMs: 4 }); // 4 writes on average
 */
import { NotImplementedError, type RunResult } from "../lib";

/** The part of a run this exercise reads: a `RunResult` from `simulate` is one. */
export type RunWrites = Pick<RunResult, "followers" | "writes">;

/** The indices of the acknowledged writes lost if the leader died at `atMs` and `follower` took over. */
export function writesLostOnFailover(run: RunWrites, follower: string, atMs: number): number[] {
  throw new NotImplementedError(
    "02: writesLostOnFailover is not implemented yet: write it in exercises/02-data-loss-window.ts (replace this throw)",
  );
}

/** What the dashboard shows: the write rate and one follower's mean replication lag. */
export interface LoadAndLag {
  /** Acknowledged writes per second. */
  writesPerSec: number;
  /** Mean time from a write's acknowledgement until the follower has received it, in ms. */
  meanLagMs: number;
}

/** The expected number of acknowledged writes a failover to that follower loses, at a random moment. */
export function expectedWritesLost(load: LoadAndLag): number {
  throw new NotImplementedError(
    "02: expectedWritesLost is not implemented yet: write it in exercises/02-data-loss-window.ts (replace this throw)",
  );
}

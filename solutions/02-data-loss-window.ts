/**
 * Exercise 02 — The data-loss window: reference solution.
 *
 * (a) is the definition read straight off the write table: acknowledged by the moment of the
 * crash, and not yet received by the follower that takes over. Received, not applied, because
 * promotion replays the received log first.
 *
 * (b) is Little's law. Each acknowledged write spends on average `meanLagMs` missing from the
 * follower, and writes arrive at `writesPerSec`, so on average rate × time of them are missing at
 * any moment: (writesPerSec / 1000 writes per ms) × meanLagMs. It needs no assumption about the
 * shape of the delay distribution, only a stable rate and lag.
 */
import type { RunResult } from "../lib";

export type RunWrites = Pick<RunResult, "followers" | "writes">;

export function writesLostOnFailover(run: RunWrites, follower: string, atMs: number): number[] {
  const w = run.writes;
  const received = w.receivedMs[run.followers.indexOf(follower)];
  const lost: number[] = [];
  for (let i = 0; i < w.count; i++) {
    if (w.ackMs[i] <= atMs && !(received[i] <= atMs)) lost.push(i);
  }
  return lost;
}

export interface LoadAndLag {
  writesPerSec: number;
  meanLagMs: number;
}

export function expectedWritesLost(load: LoadAndLag): number {
  return (load.writesPerSec / 1000) * load.meanLagMs;
}

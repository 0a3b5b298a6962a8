/**
 * Who led when, read from a history's cluster events: pure functions for checkers, charts and the
 * grader, so that none of them reads `elected` events its own way.
 */
import type { History, NodeId } from "./history";

/** One election: `node` leads `epoch` from `atMs` on. */
export interface Election {
  atMs: number;
  node: NodeId;
  epoch: number;
}

/** The elections of a history, in time order (ties in the order they were recorded). */
export function elections(h: History): Election[] {
  const found: Election[] = [];
  for (const e of h.events) if (e.kind === "elected") found.push({ atMs: e.atMs, node: e.node, epoch: e.epoch });
  return found.sort((a, b) => a.atMs - b.atMs);
}

/**
 * Who led at each moment, as the coordinator saw it: `initial` (the simulator's "L") until the
 * first election, then each elected node from its election on.
 *
 * @example const leader = leaderAt(run.history); leader(op.invokeMs) // "L" or, after a failover, "A"
 */
export function leaderAt(h: History, initial: NodeId = "L"): (atMs: number) => NodeId {
  const list = elections(h);
  return (atMs) => {
    let leader = initial;
    for (const e of list) {
      if (e.atMs > atMs) break;
      leader = e.node;
    }
    return leader;
  };
}

/** For an epoch, the time of the first election of any later epoch (Infinity if none). */
export function firstElectionAbove(h: History): (epoch: number) => number {
  const list = elections(h);
  const memo = new Map<number, number>();
  return (epoch) => {
    let t = memo.get(epoch);
    if (t === undefined) {
      t = Infinity;
      for (const e of list) if (e.epoch > epoch && e.atMs < t) t = e.atMs;
      memo.set(epoch, t);
    }
    return t;
  };
}

/**
 * The network: how long messages take between the leader and each follower, and between clients
 * and nodes.
 *
 * Each link and direction draws from its own stream (`network/A/to`, `network/A/back`), so adding
 * a follower or changing the workload never reshuffles another link's delays. Exponential delays,
 * the common case, are drawn inline rather than through their sampler: the same draw, without a
 * call through a closure for every message.
 */
import { slowFactor } from "./faults";
import { NO_COLUMN } from "./joint";
import type { World } from "./world";

/** Delay of entry `write` the leader sends to `to` now, slowed by faults on `to`. */
export function toFollowerDelay(w: World, to: number, write: number): number {
  const m = w.toMean[to];
  const column = w.joint !== null ? w.joint.toFollower[to] : NO_COLUMN;
  let delay = column !== NO_COLUMN ? w.joint!.value(write, column) : m >= 0 ? -m * Math.log(w.rTo[to].next()) : w.toF[to](w.rTo[to]);
  if (w.faultWins[to].length > 0) delay *= slowFactor(w, to, w.now);
  return delay;
}

/** Delay of the confirmation of entry `write` that `from` sends its leader now, slowed by faults on `from`. */
export function toLeaderDelay(w: World, from: number, write: number): number {
  const m = w.backMean[from];
  const column = w.joint !== null ? w.joint.toLeader[from] : NO_COLUMN;
  let delay = column !== NO_COLUMN ? w.joint!.value(write, column) : m >= 0 ? -m * Math.log(w.rBack[from].next()) : w.toL[from](w.rBack[from]);
  if (w.faultWins[from].length > 0) delay *= slowFactor(w, from, w.now);
  return delay;
}

/** A client's request on its way to a node. */
export function requestDelay(w: World): number {
  return w.reqD(w.rClient);
}

/** A node's answer on its way to a client. */
export function responseDelay(w: World): number {
  return w.respD(w.rClient);
}

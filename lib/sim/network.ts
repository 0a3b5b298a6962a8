/**
 * The network: how messages travel between the leader and each follower, and between clients and
 * nodes.
 *
 * Each link and direction draws from its own stream (`network/A/to`, `network/A/back`), so adding
 * a follower or changing the workload never reshuffles another link's delays. Exponential delays,
 * the common case, are drawn inline rather than through their sampler: the same draw, without a
 * call through a closure for every message. Each follower has one ordered stream from its leader,
 * and its confirmations go back on one ordered stream too (as TCP connections are).
 *
 * Replication's two messages, an entry on its way to a follower (`ship`) and the follower's
 * confirmation on its way back (the end of `onRecv` in replication.ts), are the simulation's
 * hottest path: there a draw, and the event it queues, are written out rather than called. A
 * small function called on its own millions of times is compiled on its own by the JIT, before
 * the handler that calls it is compiled with it inlined; every such compilation makes the first
 * run of a fresh process slower (`npm run bench -- --compare` measures it).
 */
import { RECV } from "./events";
import { slowFactor } from "./faults";
import { NO_COLUMN } from "./joint";
import { heldArrival } from "./links";
import type { World } from "./world";

/**
 * Sends entry `write` from leader `from` to follower `to` at `sendMs` (default now), behind whatever
 * is already on the way: its delay drawn from the link's stream and slowed by faults on `to`, held
 * across a partition until it heals. An entry sent later than now is on its way from now: a leader
 * that crashes before it arrives loses it, as one that crashes after sending does.
 */
export function ship(w: World, from: number, to: number, write: number, sendMs = w.now): void {
  const rs = w.nodes[to];
  const m = w.toMean[to];
  const column = w.joint !== null ? w.joint.toFollower[to] : NO_COLUMN;
  let delay = column !== NO_COLUMN ? w.joint!.value(write, column) : m >= 0 ? -m * Math.log(w.rTo[to].next()) : w.toF[to](w.rTo[to]);
  if (w.faultWins[to].length > 0) delay *= slowFactor(w, to, w.now);
  let t = sendMs + delay;
  if (w.links !== null) {
    t = heldArrival(w.links, from, to, sendMs, t); // held across a partition, until it heals
    if (t === Infinity) return;
  }
  if (t < rs.lastArrival) t = rs.lastArrival; // the replication stream is ordered (TCP)
  rs.lastArrival = t;
  w.q.push(t, RECV, write, to, w.nodes[from].epoch); // recvAt (events.ts), written out (see above)
}

/** A client's request on its way to a node. */
export function requestDelay(w: World): number {
  return w.reqD(w.rClient);
}

/** A node's answer on its way to a client. */
export function responseDelay(w: World): number {
  return w.respD(w.rClient);
}

/**
 * Acknowledgement: when the leader tells a client its write committed, or that it failed.
 *
 * The leader acknowledges its log in order. An entry commits once the leader's own local commit is
 * done and the acknowledgement rule (`World.ack`, compiled from the policy by lib/policies) holds
 * enough follower confirmations; the rule alone knows how many and whose, so nothing here depends
 * on which policy runs. When too few answer, the rule's fallback decides.
 */
import { confirmed } from "../policies/rule";
import { ackAt, crashLeaderAt, fallbackCheckAt } from "./events";
import { downUntil, NO_FAULT } from "./faults";
import { clientEndpoint, heldArrival, linkOpen, openFrom } from "./links";
import { responseDelay } from "./network";
import { afterAcknowledged } from "./triggers";
import { onWriteDone } from "./workload";
import type { World } from "./world";

/** The node that leads `epoch` (the official leader, or a deposed one still in that epoch); -1 if none. */
export function senderOf(w: World, epoch: number): number {
  if (w.nodes[w.leader].epoch === epoch) return w.leader;
  for (let r = 0; r < w.n; r++) if (w.nodes[r].believesLeader && w.nodes[r].epoch === epoch) return r;
  return -1;
}

/** Follower `from`'s confirmation of everything up to `lsn` reaches the leader of `epoch`. */
export function onAck(w: World, lsn: number, from: number, epoch: number): void {
  const leader = senderOf(w, epoch);
  if (leader < 0) return;
  const st = w.nodes[leader];
  if (st.epoch !== epoch || !st.believesLeader) return;
  if (w.links !== null && !linkOpen(w.links, from, leader, w.now)) {
    // Cut while on its way: delivered when the link heals.
    const open = openFrom(w.links, from, leader, w.now);
    if (open < Infinity) ackAt(w, open, lsn, from, epoch);
    return;
  }
  const until = downUntil(w, leader, w.now);
  if (until !== NO_FAULT) {
    if (until < Infinity) ackAt(w, until, lsn, from, epoch);
    return;
  }
  if (lsn > st.acked[from]) st.acked[from] = lsn;
  if (w.degraded) maybeRecoverFromFallback(w, leader);
  tryCommit(w, leader, true);
}

/**
 * Acknowledges, in log order, every write whose confirmations are now in. `onConfirmation`: a
 * confirmation just arrived, so a write that waited for it replies only once the leader woke up
 * (`leaderWakeMs`, steps.ts).
 */
export function tryCommit(w: World, node: number, onConfirmation = false): void {
  const st = w.nodes[node];
  if (!st.believesLeader) return;
  const log = st.log;
  const rule = w.ack;
  const needed = w.degraded ? 0 : rule.needed(node, w);
  while (st.commitPtr < log.length) {
    const id = log.ids[st.commitPtr];
    if (!w.localDone[id]) break;
    if (needed > 0 && !confirmed(rule, st.acked, st.commitPtr + 1, node, needed, w.n)) break;
    st.commitPtr++;
    ackWrite(w, id, node, onConfirmation && needed > 0 && w.steps.wakes ? w.steps.wakeMs(node, id) : 0);
  }
}

/** Tells the client its write committed, `wakeMs` from now. */
function ackWrite(w: World, write: number, node: number, wakeMs: number): void {
  const sent = w.now + wakeMs;
  let t = w.instantClient ? sent : sent + responseDelay(w);
  // Across a partition the answer waits for the link to heal (never: the client never hears).
  if (w.links !== null) t = heldArrival(w.links, node, clientEndpoint(w.links, w.wClient[write]), sent, t);
  w.ackMs[write] = t;
  w.completeMs[write] = t;
  const st = w.nodes[node];
  if (st.epoch < w.epoch) w.splitBrainWrites++;
  const s = w.sessions[w.wClient[write]];
  if (w.lsn[write] > s.lastWriteLsn) s.lastWriteLsn = w.lsn[write];
  const fo = w.cfg.failover;
  if (fo && fo.crashAfterAckOf === write) crashLeaderAt(w, w.now);
  if (w.triggered !== null) afterAcknowledged(w, w.triggered, write);
  onWriteDone(w, write, t);
}

/** Tells the client at `t` that its write failed (`why`: a FAILED_* code), unless it already knows. */
export function failWrite(w: World, write: number, why: number, t: number): void {
  if (w.failure[write] !== 0 || w.ackMs[write] < Infinity) return;
  w.failure[write] = why;
  w.completeMs[write] = t;
  onWriteDone(w, write, t);
}

/** A write waited `fallback.afterMs`: if still unconfirmed, acknowledge anyway and run async until followers catch up. */
export function onFallbackCheck(w: World, write: number): void {
  if (w.ackMs[write] < Infinity || w.failure[write] !== 0 || w.wNode[write] < 0) return;
  const node = w.wNode[write];
  if (!w.nodes[node].believesLeader || w.degraded) return;
  // A leader that is down acknowledges nothing: a crashed one never, a paused one when it wakes.
  const until = downUntil(w, node, w.now);
  if (until !== NO_FAULT) {
    if (until < Infinity) fallbackCheckAt(w, until, write);
    return;
  }
  w.degraded = true;
  w.events.push({ kind: "ack-fallback", atMs: w.now, mode: "async" });
  tryCommit(w, node);
}

function maybeRecoverFromFallback(w: World, leader: number): void {
  // Back to synchronous once the followers have caught up with the whole log.
  const st = w.nodes[leader];
  if (confirmed(w.ack, st.acked, st.log.length, leader, w.ack.needed(leader, w), w.n)) {
    w.degraded = false;
    w.events.push({ kind: "ack-fallback", atMs: w.now, mode: "sync" });
  }
}

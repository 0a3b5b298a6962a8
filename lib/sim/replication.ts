/**
 * Replication: the leader's log, shipped in order to each follower (when it accepts an entry, or
 * once its local commit is done: `shipAfter`), which receives, writes, flushes, applies and
 * confirms it.
 *
 * Each follower has one ordered stream from its leader (as a TCP connection is) and one apply
 * thread working in log order, so a burst or a slow apply builds a backlog and lag grows with load.
 * A follower confirms an entry at the step the acknowledgement rule names (`confirmStep`).
 */
import { ACK, fallbackCheckAt, localCommitAt, recvAt, writeArriveAt } from "./events";
import { failWrite, senderOf, tryCommit } from "./acknowledgement";
import { mayLead } from "./coordinators";
import { crashed, downUntil, NO_FAULT, slowFactor } from "./faults";
import { clientEndpoint, heldArrival, linkOpen, openFrom, requestsHeld } from "./links";
import { responseDelay, ship } from "./network";
import { wakeWaiters } from "./reads";
import { onAnnouncementArrive, onStorageArrive, storageIntercepts } from "./storage";
import { NO_COLUMN } from "./joint";
import { afterAccepted } from "./triggers";
import { FAILED_NOT_LEADER, type World } from "./world";

/** A client's write reaches `node`: the leader appends it to its log and ships it; others refuse it. */
export function onWriteArrive(w: World, write: number, node: number): void {
  if (w.links !== null && !linkOpen(w.links, clientEndpoint(w.links, w.wClient[write]), node, w.now)) {
    // A partition between the client and the node: the request waits for the link, or is lost and the client times out.
    const client = clientEndpoint(w.links, w.wClient[write]);
    const open = openFrom(w.links, client, node, w.now);
    if (requestsHeld(w.links, client, node, w.now) && open < Infinity) writeArriveAt(w, open, write, node);
    else failWrite(w, write, FAILED_NOT_LEADER, w.invokeMs[write] + Math.max(w.cfg.clientTimeoutMs, w.now - w.invokeMs[write]));
    return;
  }
  const until = downUntil(w, node, w.now);
  if (until !== NO_FAULT) {
    if (until === Infinity || crashed(w, node, w.now)) {
      // Connection refused or timed out: the client gives up after its timeout.
      failWrite(w, write, FAILED_NOT_LEADER, w.invokeMs[write] + Math.max(w.cfg.clientTimeoutMs, w.now - w.invokeMs[write]));
    } else {
      writeArriveAt(w, until, write, node); // paused: handled when it wakes
    }
    return;
  }
  const st = w.nodes[node];
  if (!st.believesLeader) {
    w.clientView[w.wClient[write]] = w.leader; // "not the leader; try L2"
    failWrite(w, write, FAILED_NOT_LEADER, w.now + responseDelay(w));
    return;
  }
  // A leader whose lease ran out steps down instead (coordinators.ts).
  if (w.coord !== null && !mayLead(w, w.coord, node)) {
    w.clientView[w.wClient[write]] = w.leader;
    failWrite(w, write, FAILED_NOT_LEADER, w.now + responseDelay(w));
    return;
  }
  // The fencing storage may refuse it, or take it first (storage.ts).
  if (w.storage !== null && storageIntercepts(w, w.storage, write, node)) return;
  acceptWrite(w, write, node);
}

/** Leader `node` appends `write` to its log and ships it to its followers. */
function acceptWrite(w: World, write: number, node: number): void {
  const st = w.nodes[node];
  const lsn = st.log.length + 1;
  st.log.push(write);
  w.lsn[write] = lsn;
  w.wNode[write] = node;
  w.wEpoch[write] = st.epoch;
  w.acceptMs[write] = w.now;
  w.recvMs[node][write] = w.now;
  if (w.joint !== null) w.joint.pick(write);
  const steps = w.steps;
  if (!steps.shipAfterLocalCommit) {
    // Shipped now, or when its log is flushed, the rest of the local commit going on meanwhile
    // (PostgreSQL). To every node that follows it: the loop written out, as `ship` is (network.ts).
    const sendMs = steps.shipAfterFlush ? steps.flushedAt(node, w.now, write) : w.now;
    for (let r = 0; r < w.n; r++) if (r !== node && w.nodes[r].epoch === st.epoch && !w.nodes[r].believesLeader) ship(w, node, r, write, sendMs);
  }
  const fallback = w.ack.fallback;
  if (fallback !== null && w.ack.neededAtStart > 0) fallbackCheckAt(w, w.now + fallback.afterMs, write);
  if (w.triggered !== null) afterAccepted(w, w.triggered, node);
  if (steps.shipAfterFlush) localCommitAt(w, steps.localCommitMs(node, w.now + (w.instantLocal ? 0 : localCommitDraw(w, node, write))), write, node);
  else if (w.instantLocal) onLocalCommit(w, write, node);
  else localCommitAt(w, steps.localCommitMs(node, w.now + localCommitDraw(w, node, write)), write, node);
}

/** The leader's local commit time for `write`: its row's, or a draw. */
function localCommitDraw(w: World, node: number, write: number): number {
  const j = w.joint;
  return j !== null && j.leaderCommit !== NO_COLUMN ? j.value(write, j.leaderCommit) : w.commitD(w.rApply[node]);
}

/** A write reaches the fencing storage (`stored` 1: the storage's answer reaches its frozen leader as it wakes), or an epoch's announcement does (`write` = -1 - storage node). */
export function onStorageEvent(w: World, write: number, node: number, epochOrStored: number): void {
  if (write < 0) onAnnouncementArrive(w, -1 - write, epochOrStored);
  else onStorageArrive(w, write, node, epochOrStored === 1, acceptWrite);
}

/** The accepting node's local commit of `write` is done: it counts towards the acknowledgement. */
export function onLocalCommit(w: World, write: number, node: number): void {
  const st = w.nodes[node];
  if (w.lsn[write] > st.log.length || st.log.ids[w.lsn[write] - 1] !== write) return; // truncated meanwhile
  const until = downUntil(w, node, w.now);
  if (until !== NO_FAULT) {
    if (until < Infinity) localCommitAt(w, until, write, node);
    return;
  }
  w.localDone[write] = 1;
  w.applyMs[node][write] = w.now; // the leader's own reads see it from its local commit
  // A leader that ships only what it has committed itself (PostgreSQL) sends the entry now, to every node that follows it.
  if (w.steps.shipAfterLocalCommit && st.believesLeader) {
    for (let r = 0; r < w.n; r++) if (r !== node && w.nodes[r].epoch === st.epoch && !w.nodes[r].believesLeader) ship(w, node, r, write);
  }
  tryCommit(w, node);
}

/** Entry `write` reaches follower `node` from the leader of `epoch`: append, apply, confirm. */
export function onRecv(w: World, write: number, node: number, epoch: number): void {
  const st = w.nodes[node];
  if (epoch < st.epoch) return; // from a deposed leader: the storage refuses it
  if (w.faultWins[node].length > 0) {
    const until = downUntil(w, node, w.now);
    if (until !== NO_FAULT) {
      // Delivered (or re-sent) when the node is back; lost if it never comes back.
      if (until < Infinity) {
        st.heldUntil = until;
        recvAt(w, until, write, node, epoch);
      }
      return;
    }
  }
  const sender = senderOf(w, epoch);
  if (w.links !== null && sender >= 0 && !linkOpen(w.links, sender, node, w.now)) {
    // Cut while on its way (a partition a trigger started): delivered when the link heals.
    const open = openFrom(w.links, sender, node, w.now);
    if (open < Infinity) {
      st.heldUntil = open;
      recvAt(w, open, write, node, epoch);
    }
    return;
  }
  // A crash kills the sender's connections: what it had sent but not yet delivered is lost.
  if (sender >= 0 && w.faultWins[sender].length > 0 && crashed(w, sender, w.now)) return;
  const lsn = w.lsn[write];
  if (lsn !== st.log.length + 1) {
    // Entries held while the node was down are delivered at the instant it is back, queued after
    // one that was due at that very instant: that one, seen as a gap, is handled once more behind
    // them, so the stream keeps its order (dropped, the stream would stall for good). A duplicate,
    // or a gap after truncation: the resend covers it.
    if (lsn > st.log.length + 1 && st.heldUntil === w.now && st.gapRetried !== lsn) {
      st.gapRetried = lsn;
      recvAt(w, w.now, write, node, epoch);
    }
    return;
  }
  st.log.push(write);
  w.recvMs[node][write] = w.now;
  // Written and flushed first, when the follower takes time for that (steps.ts); then one apply
  // thread, in log order: an entry starts applying when it is flushed and the one before it is
  // done, so a burst or a slow apply builds a backlog (and lag grows with load).
  const steps = w.steps;
  const flushed = steps.timed ? steps.writeAndFlush(node, w.now, write) : w.now;
  const applied = (flushed > st.lastApply ? flushed : st.lastApply) + (w.noApply[node] ? 0 : applyDraw(w, node, write));
  st.lastApply = applied;
  w.applyMs[node][write] = applied;
  if (st.waiters.length > 0) wakeWaiters(w, node, lsn, applied);
  // Async without a fallback never looks at acknowledgements: do not simulate them.
  if (sender < 0 || !w.needsAcks) return;
  // The confirmation leaves when the step the rule names is done: receipt, write, flush or apply
  // (write and flush are the receipt unless the steps are timed).
  const confirmAt = steps.confirmOnApply ? applied : steps.timed ? steps.confirmMs(node, w.now, applied) : w.now;
  // Its trip back to the sender, as `ship` (network.ts) sends entries, written out here: this is
  // the hottest path, where a call of its own would be compiled on its own too (see network.ts).
  const m = w.backMean[node];
  const column = w.joint !== null ? w.joint.toLeader[node] : NO_COLUMN;
  let delay = column !== NO_COLUMN ? w.joint!.value(write, column) : m >= 0 ? -m * Math.log(w.rBack[node].next()) : w.toL[node](w.rBack[node]);
  if (w.faultWins[node].length > 0) delay *= slowFactor(w, node, w.now);
  let t = confirmAt + delay;
  if (w.links !== null) {
    t = heldArrival(w.links, node, sender, confirmAt, t);
    if (t === Infinity) return;
  }
  if (t < st.lastAckArrival) t = st.lastAckArrival; // confirmations are ordered too
  st.lastAckArrival = t;
  w.q.push(t, ACK, lsn, node, epoch); // ackAt (events.ts), written out
}

/** Follower `node`'s apply time for `write`: its row's, or a draw. */
function applyDraw(w: World, node: number, write: number): number {
  const column = w.joint !== null ? w.joint.apply[node] : NO_COLUMN;
  return column !== NO_COLUMN ? w.joint!.value(write, column) : w.applyD[node](w.rApply[node]);
}

/** Highest LSN visible to reads on `node` now. */
export function appliedLsn(w: World, node: number): number {
  advance(w, node);
  return w.nodes[node].applied;
}

/** Folds every entry visible by now into the node's key -> write map. */
export function advance(w: World, node: number): void {
  const st = w.nodes[node];
  const log = st.log;
  const vis = w.applyMs[node];
  while (st.applied < log.length && vis[log.ids[st.applied]] <= w.now) {
    const id = log.ids[st.applied];
    st.state[w.wKey[id]] = id;
    st.applied++;
  }
}

/** Makes `node` a follower of the current leader: cut its log back to the common prefix, then catch up. */
export function rejoin(w: World, node: number): void {
  const st = w.nodes[node];
  const ls = w.nodes[w.leader];
  // Logs share a prefix and a write sits at one position in any log, so "same write at
  // position p-1" is monotone in p: binary search for the longest common prefix.
  let lo = 0;
  let hi = Math.min(st.log.length, ls.log.length);
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (st.log.ids[mid - 1] === ls.log.ids[mid - 1]) lo = mid;
    else hi = mid - 1;
  }
  if (lo < st.log.length) {
    st.log.length = lo;
    if (st.applied > lo) {
      // Rebuild the visible state from the surviving prefix.
      st.state.fill(-1);
      st.applied = 0;
      for (let i = 0; i < lo; i++) st.state[w.wKey[st.log.ids[i]]] = st.log.ids[i];
      st.applied = lo;
    }
  }
  st.lastApply = Math.max(st.lastApply, w.now);
  st.commitPtr = 0;
  ls.acked[node] = lo;
  for (let i = lo; i < ls.log.length; i++) ship(w, w.leader, node, ls.log.ids[i]);
}

/**
 * The recurrence engine: the same run as the event loop, computed write by write, for runs with
 * only open-loop writes and nothing that reacts to time.
 *
 * In the spirit of Lindley's recursion for queues, every time is a max of earlier times plus a delay:
 *   local(i)       = accept(i) + leaderCommit, or, when the leader ships after its local commit,
 *                    max(accept(i) + leaderCommit, local(i−1))           (a log flushed in order)
 *   received(f, i) = max(shipped(i) + toFollower, received(f, i−1))     (ordered stream)
 *       where shipped(i) = accept(i), or local(i) when the leader ships after its local commit
 *   written(f, i)  = max(received(f, i), written(f, i−1)) + write        (when writing takes time)
 *   flushed(f, i)  = max(written(f, i), flushed(f, i−1)) + flush         (likewise)
 *   applied(f, i)  = max(flushed(f, i), applied(f, i−1)) + apply        (one apply thread)
 *   acked(f, i)    = max(confirmed step + toLeader, acked(f, i−1))       (ordered confirmations)
 *   commit(i)      = max(local(i), when the ack rule's confirmations are in, commit(i−1))
 * Each random stream is drawn in the same order as the event loop draws it, so the results are
 * identical to the last bit; lib/recurrence.test.ts holds the two engines equal.
 */
import { eventsExceeded, virtualTimeExceeded } from "../config/limits";
import { nextOpenArrival } from "./workload";
import { result, type RunResult } from "./results";
import type { World } from "./world";

/** Only open-loop writes and nothing that reacts to time: the recurrence gives the same run. */
export function recurrenceApplies(w: World): boolean {
  const c = w.cfg;
  const wl = c.workload;
  return (
    c.engine === "auto" &&
    c.faults.length === 0 &&
    c.partitions.length === 0 &&
    c.triggers.length === 0 &&
    c.failover === undefined &&
    c.reads.readsPerSec === 0 &&
    wl.script.length === 0 &&
    wl.closedLoop === undefined &&
    w.ack.fallback === null &&
    !w.steps.needsEventLoop &&
    w.joint === null &&
    w.instantClient
  );
}

export function runRecurrence(w: World): RunResult {
  const wl = w.cfg.workload;
  const n = w.n;
  const rule = w.ack;
  const needed = rule.needed(0, w);
  const lastArr = new Float64Array(n);
  const lastApply = new Float64Array(n);
  const lastAck = new Float64Array(n);
  const ackArr = new Float64Array(n);
  const scratch = new Float64Array(n);
  const leaderLog = w.nodes[0].log;
  let end = 0;
  let commitPrev = 0;
  let count = 0;
  // The events the loop would have handled: the invocation, a receipt per follower, a confirmation
  // per follower when they are simulated, and the local commit unless it is instant.
  const perWrite = 1 + (n - 1) + (w.needsAcks ? n - 1 : 0) + (w.instantLocal ? 0 : 1);
  const { toMean, backMean, noApply, toF, toL, rTo, rBack, applyD, rApply } = w;
  const steps = w.steps;
  const { timed: stepsTimed, shipAfterLocalCommit: shipAfterLocal, confirmOnApply, confirmOnWrite, confirmOnFlush, lastWrite, lastFlush } = steps;
  const { maxEvents, maxVirtualMs } = w.cfg.limits;
  // Poisson arrivals at one rate, the common case, drawn in the loop as nextOpenArrival draws them.
  const steadyGapMs = wl.bursts.length === 0 && wl.arrival !== "fixed" ? -1000 / wl.writesPerSec : 0;
  const rWork = w.rWork;
  const keys = wl.keys;
  const priority = rule.priority;
  let t = wl.writes > 0 ? nextOpenArrival(w, 0) : Infinity;
  while (t < Infinity) {
    if (count + perWrite > maxEvents) eventsExceeded(w.cfg, count, t);
    if (t > maxVirtualMs) virtualTimeExceeded(w.cfg, t);
    // The invocation at t: draw the next arrival first, then the key, as onWriteInvoke does.
    w.now = t;
    w.openGenerated++;
    const client = (w.openGenerated - 1) % wl.clients;
    let next = Infinity;
    if (w.openGenerated < wl.writes) {
      const candidate = steadyGapMs !== 0 ? t + steadyGapMs * Math.log(rWork.next()) : nextOpenArrival(w, t);
      if (wl.durationMs === undefined || candidate <= wl.durationMs) next = candidate;
      else w.openGenerated = wl.writes;
    }
    const id = w.newWrite(client, keys === 1 ? 0 : Math.floor(rWork.next() * keys));
    const lsn = leaderLog.length + 1;
    leaderLog.push(id);
    w.lsn[id] = lsn;
    w.wNode[id] = 0;
    w.wEpoch[id] = 1;
    w.acceptMs[id] = t;
    w.recvMs[0][id] = t;
    if (t > end) end = t;
    // The local commit draws from its own stream, so computing it first changes no draw.
    let local = t;
    if (!w.instantLocal) local = shipAfterLocal ? steps.localCommitMs(0, t + w.commitD(rApply[0])) : t + w.commitD(rApply[0]);
    const shipped = shipAfterLocal ? local : t;
    for (let r = 1; r < n; r++) {
      // Exponential delays drawn inline, as network.ts draws them: the same draws, without a call.
      const m = toMean[r];
      let recv = shipped + (m >= 0 ? -m * Math.log(rTo[r].next()) : toF[r](rTo[r]));
      if (recv < lastArr[r]) recv = lastArr[r];
      lastArr[r] = recv;
      if (recv > end) end = recv;
      // Followers' own logs are left empty: nothing reads them after a write-only run.
      w.recvMs[r][id] = recv;
      const flushed = stepsTimed ? steps.writeAndFlush(r, recv, id) : recv;
      const applied = (flushed > lastApply[r] ? flushed : lastApply[r]) + (noApply[r] ? 0 : applyD[r](rApply[r]));
      lastApply[r] = applied;
      w.applyMs[r][id] = applied;
      if (w.needsAcks) {
        const mb = backMean[r];
        // The step confirmed, as ReplicationSteps.confirmMs says, inlined for the hot loop.
        const confirmed = confirmOnApply ? applied : confirmOnFlush ? lastFlush[r] : confirmOnWrite ? lastWrite[r] : recv;
        let a = confirmed + (mb >= 0 ? -mb * Math.log(rBack[r].next()) : toL[r](rBack[r]));
        if (a < lastAck[r]) a = lastAck[r];
        lastAck[r] = a;
        ackArr[r] = a;
        if (a > end) end = a;
      }
    }
    if (local > end) end = local;
    w.localDone[id] = 1;
    w.applyMs[0][id] = local;
    let commit = local;
    if (needed > 0) {
      // When the rule's confirmations are in (confirmedAt, written out for the hot loop).
      let s = -Infinity;
      if (priority !== null) {
        for (let i = 0; i < needed; i++) if (ackArr[priority[i]] > s) s = ackArr[priority[i]];
      } else {
        for (let r = 1; r < n; r++) scratch[r - 1] = ackArr[r];
        for (let i = 1; i < n - 1; i++) {
          const v = scratch[i];
          let j = i - 1;
          while (j >= 0 && scratch[j] > v) {
            scratch[j + 1] = scratch[j];
            j--;
          }
          scratch[j + 1] = v;
        }
        s = scratch[needed - 1];
      }
      if (s > commit) commit = s;
    }
    if (commitPrev > commit) commit = commitPrev;
    commitPrev = commit;
    w.ackMs[id] = commit;
    w.completeMs[id] = commit;
    count += perWrite;
    t = next;
  }
  w.now = end;
  w.nodes[0].commitPtr = leaderLog.length;
  return result(w, count);
}

/**
 * The event loop: takes the earliest event off the queue and hands it to the handler named after
 * its kind, until nothing is left (or, with a failure detector, until only its timers are).
 */
import { onAck, onFallbackCheck } from "./acknowledgement";
import {
  ACK,
  CLIENT_REROUTE,
  CRASH_LEADER,
  describeEvent,
  ELECTION_DONE,
  FALLBACK_CHECK,
  FAULT_END,
  FAULT_START,
  HB_ARRIVE,
  HB_SEND,
  LOCAL_COMMIT,
  READ_ARRIVE,
  READ_INVOKE,
  READ_SERVE,
  RECV,
  RETRY,
  SCRIPT_OP,
  STEP_DOWN,
  TIMEOUT_CHECK,
  TIMER_KIND,
  WAIT_TIMEOUT,
  WRITE_ARRIVE,
  COORDINATOR,
  STORAGE_ARRIVE,
  WRITE_INVOKE,
} from "./events";
import { canElect, onClientReroute, onElectionDone, onHeartbeatArrive, onHeartbeatSend, onStepDown, onTimeoutCheck, startFailover } from "./failover";
import { eventsExceeded, virtualTimeExceeded } from "../config/limits";
import { crashed, downUntil, NO_FAULT, onCrashLeader, onFaultEnd, onFaultStart, scheduleFaults } from "./faults";
import { onReadArrive, onReadInvoke, onReadServe, onWaitTimeout } from "./reads";
import { onCoordinatorEvent } from "./coordinators";
import { onLocalCommit, onRecv, onStorageEvent, onWriteArrive } from "./replication";
import { result, type RunResult } from "./results";
import { onScriptOp, onWriteInvoke, startWorkload, workloadDone } from "./workload";
import { nextMemoryCheck, NOT_SEEN, type World } from "./world";

export function runEvents(w: World): RunResult {
  startWorkload(w);
  scheduleFaults(w);
  startFailover(w);
  const count = drain(w);
  if (!Number.isNaN(w.leaderDownSince)) w.outageMs += w.now - w.leaderDownSince;
  return result(w, count);
}

/**
 * Handles events until the run ends; returns how many. Kept apart from what comes before and after
 * the run: the optimised code of a function with a hot loop is compiled while the loop runs, and
 * code after the loop, not yet reached then, would throw it away at the end of every run.
 */
function drain(w: World): number {
  const q = w.q;
  const cfg = w.cfg;
  const detecting = cfg.failover !== undefined;
  const timer = TIMER_KIND;
  const maxVirtualMs = cfg.limits.maxVirtualMs;
  let count = 0;
  // The event budget and the memory check share one comparison per event: `check` is the next
  // count at which either is due.
  let check = 0;
  while (q.pop()) {
    if (count === check) check = checkBudget(w, count);
    if (q.t > maxVirtualMs) virtualTimeExceeded(cfg, q.t);
    count++;
    w.now = q.t;
    if (detecting && !timer[q.k]) w.lastRealMs = q.t;
    const x = q.x;
    const y = q.y;
    const z = q.z;
    // The most frequent kinds first: a switch over imported constants is a chain of comparisons.
    switch (q.k) {
      case RECV:
        onRecv(w, x, y, z);
        break;
      case ACK:
        onAck(w, x, y, z);
        break;
      case WRITE_INVOKE:
        onWriteInvoke(w, x);
        break;
      case WRITE_ARRIVE:
        onWriteArrive(w, x, y);
        break;
      case LOCAL_COMMIT:
        onLocalCommit(w, x, y);
        break;
      case READ_INVOKE:
        onReadInvoke(w);
        break;
      case READ_ARRIVE:
        if (z === RETRY) w.retriesQueued--;
        onReadArrive(w, x, y, z);
        break;
      case READ_SERVE:
        onReadServe(w, x, y);
        break;
      case FAULT_START:
        onFaultStart(w, x);
        break;
      case FAULT_END:
        onFaultEnd(w, x);
        break;
      case HB_SEND:
        onHeartbeatSend(w, x, y);
        break;
      case HB_ARRIVE:
        onHeartbeatArrive(w, x);
        break;
      case TIMEOUT_CHECK:
        onTimeoutCheck(w);
        break;
      case ELECTION_DONE:
        onElectionDone(w, x, y);
        break;
      case STEP_DOWN:
        onStepDown(w, x);
        break;
      case CLIENT_REROUTE:
        onClientReroute(w, x);
        break;
      case FALLBACK_CHECK:
        onFallbackCheck(w, x);
        break;
      case SCRIPT_OP:
        onScriptOp(w, x);
        break;
      case CRASH_LEADER:
        onCrashLeader(w);
        break;
      case WAIT_TIMEOUT:
        w.retriesQueued--;
        onWaitTimeout(w, x, y);
        break;
      case COORDINATOR:
        onCoordinatorEvent(w, x, y, z);
        break;
      case STORAGE_ARRIVE:
        onStorageEvent(w, x, y, z);
        break;
      default:
        throw new Error(`unknown event: ${describeEvent(q.k, x, y, z)}`);
    }
    if (detecting && quiescent(w)) break;
    if (w.retriesQueued > 0 && q.size === w.timersQueued + w.retriesQueued && stuck(w)) break;
  }
  return count;
}

/**
 * The event budget and the memory check before the `count`th event; returns the count at which
 * either is due next (the memory check is due early and often at first: see `nextMemoryCheck`).
 */
function checkBudget(w: World, count: number): number {
  const maxEvents = w.cfg.limits.maxEvents;
  if (count === maxEvents) eventsExceeded(w.cfg, count, w.now);
  w.checkMemory(count);
  return nextBudgetCheck(count + 1, maxEvents);
}

/** The first count at or after `from` at which the loop must check its budget: the event limit, or a memory check. */
export function nextBudgetCheck(from: number, maxEvents: number): number {
  const memory = nextMemoryCheck(from);
  return maxEvents >= from && maxEvents < memory ? maxEvents : memory;
}

/**
 * With failure detection on, heartbeats never stop by themselves. The run ends when only timers
 * are left, the workload is done and the cluster has settled (one live leader, no election, no
 * deposed leader still believing it leads), or when nothing but timers has happened for a long
 * while (a cluster that cannot settle, e.g. every follower crashed).
 */
function quiescent(w: World): boolean {
  if (w.q.size > w.timersQueued) return false;
  if (w.now - w.lastRealMs > 20 * w.cfg.failover!.timeoutMs + 10_000) return true;
  return workloadDone(w) && settled(w);
}

/**
 * Nothing but reads' retries (and detector timers) is left, and each retry would repeat forever: a
 * read held for a position its node will never reach (no replication message is on its way, and no
 * fault is left to start), or a read sent again and again to a leader that never comes back. The
 * run ends there; those reads stay unanswered (completeMs Infinity).
 */
function stuck(w: World): boolean {
  // An unsettled cluster might still elect a leader, which reroutes clients and resends the log;
  // unless nobody can be elected, and nothing queued (a step-down, an election) changes that.
  if (w.cfg.failover !== undefined && !settled(w) && (w.electing || canElect(w))) return false;
  return w.q.every((t, kind, part, node, z) => {
    if (kind === STEP_DOWN || kind === ELECTION_DONE) return false;
    if (TIMER_KIND[kind]) return true;
    if (kind === WAIT_TIMEOUT) return w.parts[part].seen === NOT_SEEN && !crashed(w, node, t);
    if (kind !== READ_ARRIVE || z !== RETRY || downUntil(w, node, t) !== Infinity) return false;
    // Its node is gone for good; so is the leader its client would try next.
    return downUntil(w, w.clientView[w.reads[w.parts[part].read].client], t) === Infinity;
  });
}

function settled(w: World): boolean {
  if (w.electing || downUntil(w, w.leader, w.now) !== NO_FAULT) return false;
  // A deposed leader that still believes it leads keeps the run going, unless it never comes back.
  for (let r = 0; r < w.n; r++) {
    if (r !== w.leader && w.nodes[r].believesLeader && downUntil(w, r, w.now) !== Infinity) return false;
  }
  return true;
}

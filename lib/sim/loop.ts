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
  SCRIPT_OP,
  STEP_DOWN,
  TIMEOUT_CHECK,
  TIMER_KIND,
  WAIT_TIMEOUT,
  WRITE_ARRIVE,
  WRITE_INVOKE,
} from "./events";
import { onClientReroute, onElectionDone, onHeartbeatArrive, onHeartbeatSend, onStepDown, onTimeoutCheck, startFailover } from "./failover";
import { downUntil, NO_FAULT, onCrashLeader, onFaultEnd, onFaultStart, scheduleFaults } from "./faults";
import { onReadArrive, onReadInvoke, onReadServe, onWaitTimeout } from "./reads";
import { onLocalCommit, onRecv, onWriteArrive } from "./replication";
import { result, type RunResult } from "./results";
import { onScriptOp, onWriteInvoke, startWorkload, workloadDone } from "./workload";
import type { World } from "./world";

export function runEvents(w: World): RunResult {
  startWorkload(w);
  scheduleFaults(w);
  startFailover(w);

  const q = w.q;
  const detecting = w.cfg.failover !== undefined;
  const timer = TIMER_KIND;
  let count = 0;
  while (q.pop()) {
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
        onWaitTimeout(w, x, y);
        break;
      default:
        throw new Error(`unknown event: ${describeEvent(q.k, x, y, z)}`);
    }
    if (detecting && quiescent(w)) break;
  }
  if (!Number.isNaN(w.leaderDownSince)) w.outageMs += w.now - w.leaderDownSince;
  return result(w, count);
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

function settled(w: World): boolean {
  if (w.electing || downUntil(w, w.leader, w.now) !== NO_FAULT) return false;
  // A deposed leader that still believes it leads keeps the run going, unless it never comes back.
  for (let r = 0; r < w.n; r++) {
    if (r !== w.leader && w.nodes[r].believesLeader && downUntil(w, r, w.now) !== Infinity) return false;
  }
  return true;
}

/**
 * The kinds of event the simulation schedules, and their named arguments.
 *
 * An event lives in the queue's parallel typed arrays (lib/heap.ts), not in an object: a kind and
 * three integers packed as `x` (any 32-bit integer), `y` (below 1024: a node index) and `z` (below
 * 65536: an epoch or a flag). That layout is what lets a run process millions of events a second.
 * The functions below are the only places events are made: each names its arguments, and the loop
 * (loop.ts) hands them, in the same order, to a handler named after the kind (`RECV` to `onRecv`).
 */
import type { World } from "./world";

/** A client invokes a write. */
export const WRITE_INVOKE = 1;
/** A client's write request reaches a node. */
export const WRITE_ARRIVE = 2;
/** A node's local commit (e.g. its fsync) of an entry completes. */
export const LOCAL_COMMIT = 3;
/** A replication message reaches a follower. */
export const RECV = 4;
/** A follower's confirmation reaches the leader. */
export const ACK = 5;
/** The read generator invokes a read. */
export const READ_INVOKE = 6;
/** One part (one key) of a read reaches a node. */
export const READ_ARRIVE = 7;
/** A fault window opens. */
export const FAULT_START = 8;
/** A fault window closes. */
export const FAULT_END = 9;
/** A node that believes it leads sends a heartbeat. */
export const HB_SEND = 10;
/** A heartbeat reaches the failure detector. */
export const HB_ARRIVE = 11;
/** The failure detector checks whether the leader has been silent for its timeout. */
export const TIMEOUT_CHECK = 12;
/** An election completes. */
export const ELECTION_DONE = 13;
/** A deposed leader learns of the newer epoch and steps down. */
export const STEP_DOWN = 14;
/** A client learns who leads now. */
export const CLIENT_REROUTE = 15;
/** A write has waited `fallback.afterMs` for its confirmations. */
export const FALLBACK_CHECK = 16;
/** A scripted operation starts. */
export const SCRIPT_OP = 17;
/** A read part that waited for a log position is served now. */
export const READ_SERVE = 18;
/** `failover.crashLeader` crashes whoever leads now. */
export const CRASH_LEADER = 19;
/** A read part waiting for a position checks whether its node died meanwhile. */
export const WAIT_TIMEOUT = 20;
/** Several monitors or a lease (coordinators.ts): `what` packs its kind, a round and a member. */
export const COORDINATOR = 21;
/** A write reaches the fencing storage (storage.ts), or (write < 0) an epoch's announcement does. */
export const STORAGE_ARRIVE = 22;

/** The argument names of each kind, in packing order (x, y, z), for traces and messages. */
export const EVENT_ARGS: Readonly<Record<number, { name: string; args: readonly string[] }>> = {
  [WRITE_INVOKE]: { name: "write-invoke", args: ["slot"] },
  [WRITE_ARRIVE]: { name: "write-arrive", args: ["write", "node"] },
  [LOCAL_COMMIT]: { name: "local-commit", args: ["write", "node"] },
  [RECV]: { name: "recv", args: ["write", "node", "epoch"] },
  [ACK]: { name: "ack", args: ["lsn", "from", "epoch"] },
  [READ_INVOKE]: { name: "read-invoke", args: [] },
  [READ_ARRIVE]: { name: "read-arrive", args: ["part", "node", "forwarded"] },
  [FAULT_START]: { name: "fault-start", args: ["fault"] },
  [FAULT_END]: { name: "fault-end", args: ["fault"] },
  [HB_SEND]: { name: "heartbeat-send", args: ["node", "epoch"] },
  [HB_ARRIVE]: { name: "heartbeat-arrive", args: ["epoch"] },
  [TIMEOUT_CHECK]: { name: "timeout-check", args: [] },
  [ELECTION_DONE]: { name: "election-done", args: ["candidate", "epoch"] },
  [STEP_DOWN]: { name: "step-down", args: ["node"] },
  [CLIENT_REROUTE]: { name: "client-reroute", args: ["client"] },
  [FALLBACK_CHECK]: { name: "fallback-check", args: ["write"] },
  [SCRIPT_OP]: { name: "script-op", args: ["op"] },
  [READ_SERVE]: { name: "read-serve", args: ["part", "node"] },
  [CRASH_LEADER]: { name: "crash-leader", args: [] },
  [WAIT_TIMEOUT]: { name: "wait-timeout", args: ["part", "node"] },
  [COORDINATOR]: { name: "coordinator", args: ["what", "node", "epoch"] },
  [STORAGE_ARRIVE]: { name: "storage-arrive", args: ["write", "node", "epochOrStored"] },
};

/** Kinds that are timers of the failure detector: they alone do not keep a run going. */
export const TIMER_KIND: readonly boolean[] = (() => {
  const timers: boolean[] = [];
  for (const k of [HB_SEND, HB_ARRIVE, TIMEOUT_CHECK, ELECTION_DONE, STEP_DOWN, COORDINATOR]) timers[k] = true;
  return timers;
})();

// ------------------------------------------------------------------ clients and the workload

/** `slot` 0 is the open-loop generator; `1 + c` is closed-loop client c. */
export function writeInvokeAt(w: World, t: number, slot: number): void {
  w.q.push(t, WRITE_INVOKE, slot);
}

export function writeArriveAt(w: World, t: number, write: number, node: number): void {
  w.q.push(t, WRITE_ARRIVE, write, node);
}

export function readInvokeAt(w: World, t: number): void {
  w.q.push(t, READ_INVOKE);
}

/**
 * `forwarded` 1: the read was forwarded to the leader, which serves it without a position check;
 * `RETRY` (2): the same, sent again after the client's timeout because its node did not answer.
 */
export function readArriveAt(w: World, t: number, part: number, node: number, forwarded: 0 | 1 | typeof RETRY): void {
  if (forwarded === RETRY) w.retriesQueued++;
  w.q.push(t, READ_ARRIVE, part, node, forwarded);
}

/** `READ_ARRIVE`'s `forwarded` for a read sent again after a timeout. */
export const RETRY = 2;

export function readServeAt(w: World, t: number, part: number, node: number): void {
  w.q.push(t, READ_SERVE, part, node);
}

/** Re-checks, every client timeout, a read held for a position (counted among the run's retries). */
export function waitTimeoutAt(w: World, t: number, part: number, node: number): void {
  w.retriesQueued++;
  w.q.push(t, WAIT_TIMEOUT, part, node);
}

/** `op` is the index of the operation in `workload.script`. */
export function scriptOpAt(w: World, t: number, op: number): void {
  w.q.push(t, SCRIPT_OP, op);
}

export function clientRerouteAt(w: World, t: number, client: number): void {
  w.q.push(t, CLIENT_REROUTE, client);
}

// ------------------------------------------------------------------ replication and acknowledgement

export function localCommitAt(w: World, t: number, write: number, node: number): void {
  w.q.push(t, LOCAL_COMMIT, write, node);
}

/** `epoch` is the sender's: a follower in a newer epoch refuses it. */
export function recvAt(w: World, t: number, write: number, node: number, epoch: number): void {
  w.q.push(t, RECV, write, node, epoch);
}

/** Follower `from` confirms every entry up to `lsn` to the leader of `epoch`. */
export function ackAt(w: World, t: number, lsn: number, from: number, epoch: number): void {
  w.q.push(t, ACK, lsn, from, epoch);
}

export function fallbackCheckAt(w: World, t: number, write: number): void {
  w.q.push(t, FALLBACK_CHECK, write);
}

// ------------------------------------------------------------------ faults

/** `fault` indexes `config.faults`; a negative one, `-1 - node`, ends a crash `failover.crashLeader` made. */
export function faultStartAt(w: World, t: number, fault: number): void {
  w.q.push(t, FAULT_START, fault);
}

export function faultEndAt(w: World, t: number, fault: number): void {
  w.q.push(t, FAULT_END, fault);
}

export function crashLeaderAt(w: World, t: number): void {
  w.q.push(t, CRASH_LEADER);
}

// ------------------------------------------------------------------ the failure detector's timers

function timer(w: World, t: number, kind: number, x = 0, y = 0): void {
  w.timersQueued++;
  w.q.push(t, kind, x, y);
}

export function heartbeatSendAt(w: World, t: number, node: number, epoch: number): void {
  timer(w, t, HB_SEND, node, epoch);
}

export function heartbeatArriveAt(w: World, t: number, epoch: number): void {
  timer(w, t, HB_ARRIVE, epoch);
}

export function timeoutCheckAt(w: World, t: number): void {
  timer(w, t, TIMEOUT_CHECK);
}

/** `candidate` will hold `epoch` once the election completes. */
export function electionDoneAt(w: World, t: number, candidate: number, epoch: number): void {
  timer(w, t, ELECTION_DONE, candidate, epoch);
}

export function stepDownAt(w: World, t: number, node: number): void {
  timer(w, t, STEP_DOWN, node);
}

/** A coordinator event (see coordinators.ts for what `what` packs). */
export function coordinatorAt(w: World, t: number, what: number, node: number, epoch: number): void {
  w.timersQueued++;
  w.q.push(t, COORDINATOR, what, node, epoch);
}

/** `write` from leader `node` reaches its storage node; with `write` = -1 - s, the announcement of `epoch` reaches storage node s. */
export function storageArriveAt(w: World, t: number, write: number, node: number, epoch: number): void {
  w.q.push(t, STORAGE_ARRIVE, write, node, epoch);
}

/** One event in words, e.g. `recv {write: 3, node: 1, epoch: 1}`: for traces and failure messages. */
export function describeEvent(kind: number, x: number, y: number, z: number): string {
  const spec = EVENT_ARGS[kind];
  if (spec === undefined) return `unknown event kind ${kind}`;
  const values = [x, y, z];
  return spec.args.length === 0 ? spec.name : `${spec.name} {${spec.args.map((a, i) => `${a}: ${values[i]}`).join(", ")}}`;
}

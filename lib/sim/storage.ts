/**
 * Fencing as storage sees it: the storage every leader writes through (`failover.fencing`).
 *
 * The storage is `storageNodes` nodes ("S1", …) with the keys spread over them. Each keeps the
 * highest fencing token (leader epoch) it has seen: from the writes it stored, and from the
 * coordinator's announcement of a new epoch when it elects a leader (unless `announce` is off).
 * A write with a lower token is refused; the refusal fails the write and tells the leader that
 * sent it that it was deposed. Nothing else tells a storage node about a new epoch, so one that
 * has not heard of it yet, because the announcement is on its way, cut off by a partition, or
 * never sent, still stores the old leader's writes. Exercise 06 is this check, for one node.
 *
 * With no delay to the storage, the check happens as the leader takes the write; with a delay, or
 * across a partition that holds it, the write travels to its storage node first and the leader
 * appends it to its log once stored.
 * The default (`fencing: true`) is one node, no delay, told of each epoch as it is elected.
 */
import { sampler } from "../dist";
import { stream, type Rng } from "../rng";
import { failWrite } from "./acknowledgement";
import { storageArriveAt } from "./events";
import { stepDown } from "./failover";
import { crashed, downUntil, NO_FAULT } from "./faults";
import { heldArrival, linkOpen, memberEndpoint, storageEndpoint } from "./links";
import { responseDelay } from "./network";
import { FAILED_FENCED, FAILED_NOT_LEADER, type World } from "./world";

export interface Storage {
  /** Per storage node: the highest token it has seen. */
  highest: Int32Array;
  /** No network delay to the storage: checks happen as writes are taken. */
  readonly instant: boolean;
  readonly announce: boolean;
  readonly delay: (r: Rng) => number;
  readonly rng: Rng;
}

/** The storage of a run with fencing, or null. */
export function createStorage(w: World): Storage | null {
  const f = w.cfg.failover?.fencing;
  if (!f) return null;
  return {
    highest: new Int32Array(f.storage.length).fill(1),
    instant: f.instant,
    announce: f.announce,
    delay: sampler(f.delayMs),
    rng: stream(w.cfg.seed, "storage"),
  };
}

/** The storage node that holds `write`'s key. */
export function shardOf(w: World, s: Storage, write: number): number {
  return w.wKey[write] % s.highest.length;
}

/** When a message leaving `from` (an endpoint) now reaches storage node `shard`. */
function toStorage(w: World, s: Storage, from: number, shard: number): number {
  const due = w.now + s.delay(s.rng);
  return w.links === null ? due : heldArrival(w.links, from, storageEndpoint(w.links, shard), w.now, due);
}

/**
 * Leader `node` is taking `write`. With an instant storage: true when the storage refuses it
 * (the write has failed and the leader stepped down). Otherwise the write is sent to its storage
 * node and true is returned too: `onStorageArrive` decides, and accepts it into the log then.
 */
export function storageIntercepts(w: World, s: Storage, write: number, node: number): boolean {
  const shard = shardOf(w, s, write);
  if (s.instant && (w.links === null || linkOpen(w.links, node, storageEndpoint(w.links, shard), w.now))) {
    if (!refuses(w, s, shard, node)) return false;
    refuse(w, write, node, w.now);
    return true;
  }
  const at = toStorage(w, s, node, shard);
  if (at < Infinity) storageArriveAt(w, at, write, node, 0);
  return true;
}

/** True when storage node `shard` has seen a token newer than `node`'s epoch; else it records the token. */
function refuses(w: World, s: Storage, shard: number, node: number): boolean {
  const token = w.nodes[node].epoch;
  if (token < s.highest[shard]) return true;
  s.highest[shard] = token;
  return false;
}

/** The write fails as fenced, its client learns who leads, and the old leader steps down (the refusal is its news). */
function refuse(w: World, write: number, node: number, atMs: number): void {
  const st = w.nodes[node];
  w.fenced++;
  w.events.push({ kind: "rejected", atMs, node: w.cfg.names[node], epoch: st.epoch, reason: `fencing token ${st.epoch} < ${w.storage!.highest[shardOf(w, w.storage!, write)]}` });
  w.wNode[write] = -1;
  w.clientView[w.wClient[write]] = w.leader;
  failWrite(w, write, FAILED_FENCED, atMs + responseDelay(w));
  stepDown(w, node);
}

/**
 * `write` from leader `node` reaches its storage node: stored (and taken into the leader's log) or
 * refused; with `stored`, the storage's answer reaches a leader that was frozen when it was sent.
 * `accept` is replication's own way of taking a write.
 */
export function onStorageArrive(w: World, write: number, node: number, stored: boolean, accept: (w: World, write: number, node: number) => void): void {
  const s = w.storage!;
  if (!stored) {
    if (refuses(w, s, shardOf(w, s, write), node)) {
      refuse(w, write, node, w.now);
      return;
    }
    // Stored. A frozen leader hears so when it runs again; a crashed one never does.
    const until = downUntil(w, node, w.now);
    if (until !== NO_FAULT) {
      if (until < Infinity && !crashed(w, node, w.now)) storageArriveAt(w, until, write, node, 1);
      return;
    }
  }
  const st = w.nodes[node];
  // Stored; the leader takes it if it still leads its epoch (a node that stepped down meanwhile refuses it).
  if (!st.believesLeader) {
    w.clientView[w.wClient[write]] = w.leader;
    failWrite(w, write, FAILED_NOT_LEADER, w.now + responseDelay(w));
    return;
  }
  accept(w, write, node);
}

/** The coordinator tells every storage node of epoch `epoch` (sent by member `member`). */
export function announceEpoch(w: World, epoch: number, member: number): void {
  const s = w.storage;
  if (s === null || !s.announce) return;
  for (let shard = 0; shard < s.highest.length; shard++) {
    if (s.instant && (w.links === null || heldArrival(w.links, memberEndpoint(w.links, member), storageEndpoint(w.links, shard), w.now, w.now) === w.now)) {
      if (epoch > s.highest[shard]) s.highest[shard] = epoch;
      continue;
    }
    const from = w.links === null ? -1 : memberEndpoint(w.links, member);
    const at = from < 0 ? w.now + s.delay(s.rng) : toStorage(w, s, from, shard);
    // A negative write number marks an announcement to storage node -1 - write.
    if (at < Infinity) storageArriveAt(w, at, -1 - shard, 0, epoch);
  }
}

/** An announcement of `epoch` reaches storage node `shard`. */
export function onAnnouncementArrive(w: World, shard: number, epoch: number): void {
  const s = w.storage!;
  if (epoch > s.highest[shard]) s.highest[shard] = epoch;
}

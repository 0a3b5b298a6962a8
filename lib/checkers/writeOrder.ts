/**
 * Which of two writes is newer, and until when an acknowledged write counts as a key's value.
 *
 * Order: writes are ranked by (epoch, lsn), ties broken by op id. LSN alone is not enough: after a
 * failover the new leader continues its own log and reuses the positions of the deposed leader's
 * unreplicated writes, so one LSN can name two different writes. Every leader appends under its own
 * epoch, larger than any before it, and a log only grows in epoch order, so (epoch, lsn) agrees with
 * the order of the final log. It also puts the tail of an abandoned branch (writes the deposed
 * leader took that no successor has) before everything the new leader accepted, even writes the
 * old leader took later in real time: on the surviving history those writes were overwritten by
 * the failover itself. Wall-clock time cannot order writes: concurrent writes are ordered by the
 * log, not by who was invoked or acknowledged first.
 *
 * Currency: an acknowledged write that is not in `finalLog` was lost. It counted as its key's value
 * until the first election of a later epoch (the moment the cluster moved to a branch without it);
 * after that, reading an older value is the lost write showing, which `lostWrites` reports once,
 * rather than a stale read reported again on every later read of that key.
 */
import type { History, ObservedValue, ReadOp, WriteOp } from "../history";
import { firstElectionAbove } from "../leadership";
import { InvalidHistoryError } from "./invalidHistory";

/** Rank of "no value": a key read before any write to it reached the serving node. */
export const NO_VALUE_RANK = -1;
/** Rank of a write no node accepted (failed, or never appended): it has no place in any log. */
export const UNPLACED_RANK = -2;

export interface WriteOrder {
  /** Per op id: the write's rank among accepted writes (0 = oldest); UNPLACED_RANK for other writes and reads. */
  rank: Int32Array;
  /** Per op id: until when an acknowledged write counts as its key's value (Infinity if it survived). */
  currentUntilMs: Float64Array;
  /** Per op id: 1 if the write is in the final leader's log. */
  survived: Uint8Array;
  /**
   * Keys and clients as small integers, so the checkers group by array index instead of hashing
   * strings a million times: `keyOf` per write op id (-1 for reads), `clientOf` per op id.
   */
  keyOf: Int32Array;
  keyIds: Map<string, number>;
  clientOf: Int32Array;
  clientCount: number;
}

/** A write accepted into some node's log: it has a node and a log position. */
export function isPlaced(w: WriteOp): boolean {
  return w.node !== null && w.lsn > 0;
}

/** Ranks every write of `h` and checks that the history refers to its own writes consistently. */
export function writeOrder(h: History): WriteOrder {
  const n = h.ops.length;
  const rank = new Int32Array(n).fill(UNPLACED_RANK);
  const placed: number[] = [];
  const keyOf = new Int32Array(n).fill(-1);
  const keyIds = new Map<string, number>();
  const clientOf = new Int32Array(n);
  const clientIds = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const op = h.ops[i];
    if (op.id !== i) throw new InvalidHistoryError(`ops[${i}].id`, op.id, `an op's id is its index in ops (${i})`);
    clientOf[i] = intern(clientIds, op.client);
    if (op.kind !== "write") continue;
    keyOf[i] = intern(keyIds, op.key);
    if (isPlaced(op)) placed.push(i);
    else if (op.acknowledged) {
      throw new InvalidHistoryError(
        `ops[${i}].lsn`,
        op.lsn,
        "an acknowledged write needs the node that accepted it and its log position (lsn >= 1)",
      );
    }
  }
  const ids = Uint32Array.from(placed);
  const epochs = new Float64Array(ids.length);
  const lsns = new Float64Array(ids.length);
  let sorted = true;
  for (let j = 0; j < ids.length; j++) {
    const w = h.ops[ids[j]] as WriteOp;
    epochs[j] = w.epoch;
    lsns[j] = w.lsn;
    if (j > 0 && (epochs[j] < epochs[j - 1] || (epochs[j] === epochs[j - 1] && lsns[j] <= lsns[j - 1]))) sorted = false;
  }
  // A run appends in invoke order, so ids usually arrive ranked already; sort only when not.
  if (!sorted) {
    const order = Uint32Array.from(ids.keys());
    order.sort((a, b) => epochs[a] - epochs[b] || lsns[a] - lsns[b] || ids[a] - ids[b]);
    const ranked = order.map((j) => ids[j]);
    ids.set(ranked);
  }
  for (let r = 0; r < ids.length; r++) rank[ids[r]] = r;

  const survived = new Uint8Array(n);
  for (let p = 0; p < h.finalLog.length; p++) {
    const id = h.finalLog[p];
    const op = h.ops[id];
    if (op === undefined || op.kind !== "write" || !isPlaced(op)) {
      throw new InvalidHistoryError(`finalLog[${p}]`, id, "finalLog lists ids of accepted writes in ops");
    }
    survived[id] = 1;
  }

  const currentUntilMs = new Float64Array(n).fill(Infinity);
  const electedAfter = firstElectionAbove(h);
  for (let i = 0; i < n; i++) {
    const op = h.ops[i];
    if (op.kind === "write" && survived[i] === 0) currentUntilMs[i] = electedAfter(op.epoch);
  }
  for (const op of h.ops) if (op.kind === "read") checkObserved(h, op, rank);
  return { rank, currentUntilMs, survived, keyOf, keyIds, clientOf, clientCount: clientIds.size };
}

function intern(ids: Map<string, number>, name: string): number {
  let id = ids.get(name);
  if (id === undefined) ids.set(name, (id = ids.size));
  return id;
}

function checkObserved(h: History, read: ReadOp, rank: Int32Array): void {
  for (let k = 0; k < read.observed.length; k++) {
    const seen = read.observed[k];
    if (seen.writeId === -1) continue;
    const w = h.ops[seen.writeId];
    const field = `ops[${read.id}].observed[${k}].writeId`;
    if (w === undefined || w.kind !== "write") {
      throw new InvalidHistoryError(field, seen.writeId, "a read observes the id of a write in ops, or -1 for no value");
    }
    if (w.key !== seen.key) {
      throw new InvalidHistoryError(field, seen.writeId, `write ${w.id} is to key "${w.key}", not "${seen.key}"`);
    }
    if (rank[w.id] === UNPLACED_RANK) {
      throw new InvalidHistoryError(field, seen.writeId, `write ${w.id} was never accepted by a node, so no read can see it`);
    }
  }
}

/** The rank of what a read saw: the write's rank, or NO_VALUE_RANK. */
export function seenRank(order: WriteOrder, writeId: number): number {
  return writeId === -1 ? NO_VALUE_RANK : order.rank[writeId];
}

/** The key id of what a read saw: through its write when there is one (no hashing), else by name; -1 if no write has that key. */
export function seenKeyId(order: WriteOrder, seen: ObservedValue): number {
  return seen.writeId === -1 ? (order.keyIds.get(seen.key) ?? -1) : order.keyOf[seen.writeId];
}

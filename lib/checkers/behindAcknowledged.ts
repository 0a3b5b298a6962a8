/**
 * The reads that returned something older than an acknowledged write they should have seen: the
 * common core of `staleReads`, `readYourWrites` and `permissionLag`.
 */
import type { History, ObservedValue, ReadOp, WriteOp } from "../history";
import { NewestVisible, PairIds } from "./newestVisible";
import { seenKeyId, seenRank, type WriteOrder } from "./writeOrder";

/** One key of one read that came back older than `newest`. */
export interface ReadBehind {
  read: ReadOp;
  seen: ObservedValue;
  /** The newest acknowledged write the read should have seen (or something newer). */
  newest: WriteOp;
}

/**
 * Every (read, key) whose result is older than the newest write to that key acknowledged at or
 * before the read was invoked and still current then (see writeOrder). With `sameClient`, only the
 * reading client's own writes count.
 */
export function readsBehindAcknowledged(h: History, order: WriteOrder, sameClient: boolean): ReadBehind[] {
  // Without sameClient a group is a key id; with it, a (client, key) pair id.
  const pairs = new PairIds(order.keyIds.size);
  const sweep = new NewestVisible();
  const writeOfItem: number[] = [];
  for (const op of h.ops) {
    if (op.kind !== "write" || !op.acknowledged) continue;
    const key = order.keyOf[op.id];
    const group = sameClient ? pairs.id(order.clientOf[op.id], key) : key;
    sweep.item(group, op.completeMs, order.currentUntilMs[op.id], order.rank[op.id]);
    writeOfItem.push(op.id);
  }
  // Parallel arrays of references rather than a million small objects.
  const askedRead: ReadOp[] = [];
  const askedSeen: ObservedValue[] = [];
  for (const op of h.ops) {
    if (op.kind !== "read") continue;
    for (const seen of op.observed) {
      const key = seenKeyId(order, seen);
      const group = sameClient && key !== -1 ? pairs.find(order.clientOf[op.id], key) : key;
      // A key nobody (or not this client) ever got an ack for cannot be read stale.
      if (group === -1) continue;
      sweep.query(group, op.invokeMs);
      askedRead.push(op);
      askedSeen.push(seen);
    }
  }
  const newest = sweep.run();
  const behind: ReadBehind[] = [];
  for (let q = 0; q < askedRead.length; q++) {
    if (newest[q] === -1) continue;
    const w = h.ops[writeOfItem[newest[q]]] as WriteOp;
    const seen = askedSeen[q];
    if (seenRank(order, seen.writeId) < order.rank[w.id]) behind.push({ read: askedRead[q], seen, newest: w });
  }
  return behind;
}

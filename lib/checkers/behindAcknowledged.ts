/**
 * The reads that returned something older than an acknowledged write they should have seen: the
 * common core of `staleReads`, `readYourWrites` and `permissionLag`.
 */
import type { History, ObservedValue, ReadOp, WriteOp } from "../history";
import { Interner, NewestVisible } from "./newestVisible";
import { seenRank, type WriteOrder } from "./writeOrder";

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
  const groups = new Interner();
  const groupOf = (client: string, key: string) => (sameClient ? `${client}\u0000${key}` : key);
  const sweep = new NewestVisible();
  const writeOfItem: number[] = [];
  for (const op of h.ops) {
    if (op.kind !== "write" || !op.acknowledged) continue;
    sweep.item(groups.id(groupOf(op.client, op.key)), op.completeMs, order.currentUntilMs[op.id], order.rank[op.id]);
    writeOfItem.push(op.id);
  }
  const asked: { read: ReadOp; seen: ObservedValue }[] = [];
  for (const op of h.ops) {
    if (op.kind !== "read") continue;
    for (const seen of op.observed) {
      const group = groups.find(groupOf(op.client, seen.key));
      // A key nobody (or not this client) ever got an ack for cannot be read stale.
      if (group === -1) continue;
      sweep.query(group, op.invokeMs);
      asked.push({ read: op, seen });
    }
  }
  const newest = sweep.run();
  const behind: ReadBehind[] = [];
  for (let q = 0; q < asked.length; q++) {
    if (newest[q] === -1) continue;
    const w = h.ops[writeOfItem[newest[q]]] as WriteOp;
    if (seenRank(order, asked[q].seen.writeId) < order.rank[w.id]) behind.push({ ...asked[q], newest: w });
  }
  return behind;
}

import type { History, ObservedValue, ReadOp, Violation } from "../history";
import { byTime, ms, saw } from "./describe";
import { NewestVisible, PairIds } from "./newestVisible";
import { seenKeyId, seenRank, writeOrder, type WriteOrder } from "./writeOrder";

/**
 * Monotonic reads: a client saw a key go backwards. A read invoked after an earlier read of the
 * same client had completed returned an older write to the key than that earlier read did (or
 * no value after a value). Reads that overlap in time are concurrent and may come back in either
 * order, so they are not compared.
 *
 * The reference is what the client actually saw, so a value later lost in a failover counts too:
 * seeing it and then an older value is the key going backwards from the client's point of view.
 * One violation per key of each read, with ops [the later read, the earlier read].
 *
 * `order` is `writeOrder(h)`; pass it to share one between several checkers, as checkAll does.
 */
export function monotonicReads(h: History, order: WriteOrder = writeOrder(h)): Violation[] {
  const pairs = new PairIds(order.keyIds.size);
  const sweep = new NewestVisible();
  // Entry i is both item i (what a read saw, visible from its completion) and query i (what the
  // newest earlier sighting was when the read began); parallel arrays avoid a million objects.
  const entryRead: ReadOp[] = [];
  const entrySeen: ObservedValue[] = [];
  for (const op of h.ops) {
    if (op.kind !== "read") continue;
    for (const seen of op.observed) {
      const key = seenKeyId(order, seen);
      // A key no write ever touched reads as "no value" every time: it cannot go backwards.
      if (key === -1) continue;
      const group = pairs.id(order.clientOf[op.id], key);
      sweep.item(group, op.completeMs, Infinity, seenRank(order, seen.writeId));
      sweep.query(group, op.invokeMs);
      entryRead.push(op);
      entrySeen.push(seen);
    }
  }
  const newest = sweep.run();
  const violations: Violation[] = [];
  for (let q = 0; q < entryRead.length; q++) {
    const e = newest[q];
    if (e === -1) continue;
    const read = entryRead[q];
    const seen = entrySeen[q];
    if (seenRank(order, seen.writeId) >= seenRank(order, entrySeen[e].writeId)) continue;
    violations.push({
      guarantee: "monotonic-reads",
      ops: [read.id, entryRead[e].id],
      atMs: read.invokeMs,
      message:
        `${read.client}'s read ${read.id} at ${ms(read.invokeMs)} saw ${saw(seen)} on node ${seen.node}, ` +
        `older than ${saw(entrySeen[e])} that ${read.client}'s earlier read ${entryRead[e].id} saw on node ` +
        `${entrySeen[e].node}: ${seen.key} went back in time`,
    });
  }
  return byTime(violations);
}

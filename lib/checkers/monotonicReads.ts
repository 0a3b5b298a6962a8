import type { History, ObservedValue, ReadOp, Violation } from "../history";
import { byTime, ms, saw } from "./describe";
import { Interner, NewestVisible } from "./newestVisible";
import { seenRank, writeOrder } from "./writeOrder";

/**
 * Monotonic reads: a client saw a key go backwards. A read invoked after an earlier read of the
 * same client had completed returned an older write to the key than that earlier read did (or
 * no value after a value). Reads that overlap in time are concurrent and may come back in either
 * order, so they are not compared.
 *
 * The reference is what the client actually saw, so a value later lost in a failover counts too:
 * seeing it and then an older value is the key going backwards from the client's point of view.
 * One violation per key of each read, with ops [the later read, the earlier read].
 */
export function monotonicReads(h: History): Violation[] {
  const order = writeOrder(h);
  const groups = new Interner();
  const sweep = new NewestVisible();
  const earlier: { read: ReadOp; seen: ObservedValue }[] = [];
  for (const op of h.ops) {
    if (op.kind !== "read") continue;
    for (const seen of op.observed) {
      sweep.item(groups.id(`${op.client}\u0000${seen.key}`), op.completeMs, Infinity, seenRank(order, seen.writeId));
      earlier.push({ read: op, seen });
    }
  }
  const later: { read: ReadOp; seen: ObservedValue }[] = [];
  for (const op of h.ops) {
    if (op.kind !== "read") continue;
    for (const seen of op.observed) {
      sweep.query(groups.id(`${op.client}\u0000${seen.key}`), op.invokeMs);
      later.push({ read: op, seen });
    }
  }
  const newest = sweep.run();
  const violations: Violation[] = [];
  for (let q = 0; q < later.length; q++) {
    if (newest[q] === -1) continue;
    const { read, seen } = later[q];
    const before = earlier[newest[q]];
    if (seenRank(order, seen.writeId) >= seenRank(order, before.seen.writeId)) continue;
    violations.push({
      guarantee: "monotonic-reads",
      ops: [read.id, before.read.id],
      atMs: read.invokeMs,
      message:
        `${read.client}'s read ${read.id} at ${ms(read.invokeMs)} saw ${saw(seen)} on node ${seen.node}, ` +
        `older than ${saw(before.seen)} that ${read.client}'s earlier read ${before.read.id} saw on node ` +
        `${before.seen.node}: ${seen.key} went back in time`,
    });
  }
  return byTime(violations);
}

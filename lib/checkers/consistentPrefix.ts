import type { History, ObservedValue, ReadOp, Violation, WriteOp } from "../history";
import { byTime, ms, quote, saw } from "./describe";
import { seenRank, UNPLACED_RANK, writeOrder, type WriteOrder } from "./writeOrder";

/**
 * Consistent prefix: one read (a timeline page reading several keys, perhaps each from a
 * different node) showed a write but not a write it causally depends on (`dependsOn`), e.g. the
 * reply is visible and the question it answers is not.
 *
 * A dependency counts as visible if the read returned it or anything newer on its key: a newer
 * value supersedes it. Only dependencies on keys the read asked for are checked (a page that did
 * not read the question cannot be blamed for not showing it), and only the direct ones: a writer
 * lists every write it depends on. A dependency no node ever accepted has no place to be seen
 * from, so it is skipped. One violation per missing dependency, with ops [read, the write seen,
 * the missing dependency].
 *
 * `order` is `writeOrder(h)`; pass it to share one between several checkers, as checkAll does.
 */
export function consistentPrefix(h: History, order: WriteOrder = writeOrder(h)): Violation[] {
  const violations: Violation[] = [];
  for (const op of h.ops) {
    if (op.kind !== "read") continue;
    for (const seen of op.observed) {
      if (seen.writeId === -1) continue;
      const w = h.ops[seen.writeId] as WriteOp;
      for (const depId of w.dependsOn ?? []) {
        const dep = h.ops[depId];
        if (dep === undefined || dep.kind !== "write" || order.rank[depId] === UNPLACED_RANK) continue;
        const other = observedKey(op, dep.key);
        if (other === undefined || seenRank(order, other.writeId) >= order.rank[depId]) continue;
        violations.push({
          guarantee: "consistent-prefix",
          ops: [op.id, w.id, dep.id],
          atMs: op.invokeMs,
          message:
            `read ${op.id} by ${op.client} at ${ms(op.invokeMs)} showed ${saw(seen)} from node ${seen.node} ` +
            `but not write ${dep.id} (${dep.key} = ${quote(dep.value)}) it depends on: node ${other.node} ` +
            `gave ${saw(other)}`,
        });
      }
    }
  }
  return byTime(violations);
}

function observedKey(read: ReadOp, key: string): ObservedValue | undefined {
  for (const seen of read.observed) if (seen.key === key) return seen;
  return undefined;
}

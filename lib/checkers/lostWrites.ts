import type { History, Violation } from "../history";
import { byTime, ms, quote } from "./describe";
import { writeOrder, type WriteOrder } from "./writeOrder";

/**
 * Lost writes: writes the client was told succeeded that are missing from `h.finalLog`, the log of
 * the leader at the end of the run; typically the asynchronously replicated tail a failover threw
 * away. A hand-built history must fill `finalLog` with the surviving writes, or every
 * acknowledged write counts as lost.
 *
 * `atMs` is when the write was lost: the first election of a later epoch than the one that
 * accepted it, or, with no such election, when it was acknowledged. Ops: [the lost write].
 *
 * `order` is `writeOrder(h)`; pass it to share one between several checkers, as checkAll does.
 */
export function lostWrites(h: History, order: WriteOrder = writeOrder(h)): Violation[] {
  const where = h.finalLeader === null ? "the final log" : `the final log of leader ${h.finalLeader}`;
  const violations: Violation[] = [];
  for (const op of h.ops) {
    if (op.kind !== "write" || !op.acknowledged || order.survived[op.id] === 1) continue;
    const lostAtMs = order.currentUntilMs[op.id];
    const how = Number.isFinite(lostAtMs) ? `: lost when a new leader was elected at ${ms(lostAtMs)}` : "";
    violations.push({
      guarantee: "lost-writes",
      ops: [op.id],
      atMs: Number.isFinite(lostAtMs) ? lostAtMs : op.completeMs,
      message:
        `write ${op.id} by ${op.client} (${op.key} = ${quote(op.value)}) was acknowledged at ${ms(op.completeMs)} ` +
        `by ${op.node} (epoch ${op.epoch}) but is missing from ${where}${how}`,
    });
  }
  return byTime(violations);
}

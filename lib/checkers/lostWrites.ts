import type { History, Violation } from "../history";
import { elections } from "../leadership";
import { byTime, ms, quote } from "./describe";
import { writeOrder, type WriteOrder } from "./writeOrder";

/**
 * Lost writes: writes the client was told succeeded that are missing from `h.finalLog`, the log of
 * the leader at the end of the run; typically the asynchronously replicated tail a failover threw
 * away. A hand-built history must fill `finalLog` with the surviving writes, or every
 * acknowledged write counts as lost.
 *
 * `atMs` is when the write was lost: the first election of a later epoch than the one that
 * accepted it, or its acknowledgement if that came later (a deposed leader still taking writes)
 * or there was no such election. The message names the node that election made leader, which
 * need not be the final leader (after a second failover the write is missing from both). Ops:
 * [the lost write].
 *
 * `order` is `writeOrder(h)`; pass it to share one between several checkers, as checkAll does.
 */
export function lostWrites(h: History, order: WriteOrder = writeOrder(h)): Violation[] {
  const where = h.finalLeader === null ? "the final log" : `the final log of leader ${h.finalLeader}`;
  const violations: Violation[] = [];
  const elected = elections(h);
  for (const op of h.ops) {
    if (op.kind !== "write" || !op.acknowledged || order.survived[op.id] === 1) continue;
    const electedMs = order.currentUntilMs[op.id];
    // A deposed leader that has not noticed yet can still acknowledge writes after the election:
    // those were lost the moment they were taken, and the sentence must not put the loss first.
    const lateAck = op.completeMs >= electedMs;
    const who = elected.find((e) => e.epoch > op.epoch && e.atMs === electedMs)?.node ?? "a new leader";
    const how = !Number.isFinite(electedMs)
      ? ""
      : lateAck
        ? `: ${who} had already been elected leader at ${ms(electedMs)}`
        : `: lost when ${who} was elected leader at ${ms(electedMs)}`;
    violations.push({
      guarantee: "lost-writes",
      ops: [op.id],
      atMs: Number.isFinite(electedMs) && !lateAck ? electedMs : op.completeMs,
      message:
        `write ${op.id} by ${op.client} (${op.key} = ${quote(op.value)}) was acknowledged at ${ms(op.completeMs)} ` +
        `by ${op.node} (epoch ${op.epoch}) but is missing from ${where}${how}`,
    });
  }
  return byTime(violations);
}

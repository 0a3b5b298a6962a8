import type { History, Violation } from "../history";
import { readsBehindAcknowledged } from "./behindAcknowledged";
import { byTime, ms, quote, saw } from "./describe";
import { writeOrder, type WriteOrder } from "./writeOrder";

/**
 * Read-your-writes: a client's read of a key returned something older than that same client's own
 * write to the key, acknowledged at or before the read was invoked (the profile edit that seems
 * to vanish on reload). Other clients' writes do not count here; `staleReads` covers them.
 *
 * Ordering and lost writes are treated as in `staleReads`. One violation per key of each read,
 * with ops [read, the client's own write, the write seen].
 *
 * `order` is `writeOrder(h)`; pass it to share one between several checkers, as checkAll does.
 */
export function readYourWrites(h: History, order: WriteOrder = writeOrder(h)): Violation[] {
  return byTime(
    readsBehindAcknowledged(h, order, true).map(({ read, seen, newest }) => ({
      guarantee: "read-your-writes",
      ops: seen.writeId === -1 ? [read.id, newest.id] : [read.id, newest.id, seen.writeId],
      atMs: read.invokeMs,
      message:
        `${read.client}'s read ${read.id} at ${ms(read.invokeMs)} saw ${saw(seen)} on node ${seen.node}, ` +
        `missing ${read.client}'s own write ${newest.id} (${newest.key} = ${quote(newest.value)}) ` +
        `acknowledged at ${ms(newest.completeMs)}`,
    })),
  );
}

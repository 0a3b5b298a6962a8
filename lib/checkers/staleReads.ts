import type { History, Violation } from "../history";
import { readsBehindAcknowledged } from "./behindAcknowledged";
import { byTime, ms, quote, saw } from "./describe";
import { writeOrder, type WriteOrder } from "./writeOrder";

/**
 * Stale reads: a read returned a value older than the newest write to that key that had been
 * acknowledged, to any client, at or before the moment the read was invoked.
 *
 * "Older" is the log order of the run (see writeOrder): epoch first, then log position. A write
 * acknowledged and later lost in a failover stops counting at the election that abandoned it;
 * `lostWrites` reports it instead. Writes never acknowledged (in flight, failed) never make a
 * read stale, and reading one of them is not stale either: it is newer, not older.
 *
 * One violation per stale key of each read, with ops [read, the missed write, the write seen].
 *
 * `order` is `writeOrder(h)`; pass it to share one between several checkers, as checkAll does.
 */
export function staleReads(h: History, order: WriteOrder = writeOrder(h)): Violation[] {
  return byTime(
    readsBehindAcknowledged(h, order, false).map(({ read, seen, newest }) => ({
      guarantee: "stale-reads",
      ops: seen.writeId === -1 ? [read.id, newest.id] : [read.id, newest.id, seen.writeId],
      atMs: read.invokeMs,
      message:
        `read ${read.id} by ${read.client} at ${ms(read.invokeMs)} saw ${saw(seen)} on node ${seen.node}, ` +
        `but write ${newest.id} (${newest.key} = ${quote(newest.value)}) was acknowledged at ` +
        `${ms(newest.completeMs)}, before the read began`,
    })),
  );
}

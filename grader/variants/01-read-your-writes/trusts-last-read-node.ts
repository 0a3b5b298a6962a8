// Known-wrong: once the client's reads have shown a position at or past its last write (lastReadLsn >= lastWriteLsn), it "knows" the node that served its last read holds the write and goes back there. But lastReadLsn is the highest position any read showed, and lastReadNode is the node of the read answered last: with two reads in flight, an older read answered late by a stale follower becomes lastReadNode.
import type { ReadContext, ReadDecision } from "replication-lab";

export function routeRead(ctx: ReadContext): ReadDecision {
  const s = ctx.session;
  const mustHave = s.lastWriteLsn;
  if (mustHave > 0 && s.lastReadLsn >= mustHave && s.lastReadNode !== null) {
    const f = ctx.followers.find((x) => x.name === s.lastReadNode);
    if (f === undefined || f.up) return s.lastReadNode;
  }
  const caughtUp = ctx.followers.filter((f) => f.up && f.appliedLsn >= mustHave);
  if (caughtUp.length === 0) return ctx.leader;
  return caughtUp[Math.floor(ctx.random() * caughtUp.length)].name;
}

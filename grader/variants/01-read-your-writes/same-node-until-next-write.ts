// Known-wrong: after routing to a follower that holds the client's last write, remembers that write's LSN in session.sticky and, until the next write, sends the client back to "the node that served its last read" (session.lastReadNode) without checking. With two reads in flight, a read routed before the write and answered late by a follower lacking it becomes lastReadNode.
import type { ReadContext, ReadDecision } from "replication-lab";

export function routeRead(ctx: ReadContext): ReadDecision {
  const s = ctx.session;
  const mustHave = s.lastWriteLsn;
  if (s.sticky === String(mustHave) && s.lastReadNode !== null) {
    const f = ctx.followers.find((x) => x.name === s.lastReadNode);
    if (f === undefined || f.up) return s.lastReadNode;
  }
  const caughtUp = ctx.followers.filter((f) => f.up && f.appliedLsn >= mustHave);
  if (caughtUp.length === 0) return ctx.leader;
  s.sticky = String(mustHave);
  return caughtUp[Math.floor(ctx.random() * caughtUp.length)].name;
}

// Correct alternative: a random follower that has applied the client's last write, named without a minLsn. Right because a follower's applied position never drops below a client's acknowledged write before the read reaches it: one that crashes meanwhile sends the read to the leader, a paused one serves it later, and a failover cuts a log back only to what the new leader holds, which includes every acknowledged write (acknowledgements are semi-synchronous wherever the leader fails).
import type { ReadContext, ReadDecision } from "replication-lab";

export function routeRead(ctx: ReadContext): ReadDecision {
  const mustHave = ctx.session.lastWriteLsn;
  const caughtUp = ctx.followers.filter((f) => f.up && f.appliedLsn >= mustHave);
  if (caughtUp.length === 0) return ctx.leader;
  return caughtUp[Math.floor(ctx.random() * caughtUp.length)].name;
}

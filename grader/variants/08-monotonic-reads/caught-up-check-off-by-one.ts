// Known-wrong: sticky without a minimum position, and counts a follower as caught up when it has applied one entry less than the client saw (appliedLsn >= lastReadLsn - 1): a follower a single write behind, that write to the key read, shows the client an older value.
import type { ReadContext, ReadDecision } from "replication-lab";

export function routeRead(ctx: ReadContext): ReadDecision {
  const session = ctx.session;
  const seen = session.lastReadLsn;
  const current = ctx.followers.find((f) => f.name === session.sticky);
  if (current && current.up && current.appliedLsn >= seen - 1) return current.name;
  if (current && current.up) return ctx.leader;
  const caughtUp = ctx.followers.filter((f) => f.up && f.appliedLsn >= seen - 1);
  if (caughtUp.length === 0) return ctx.leader;
  const next = caughtUp[Math.floor(ctx.random() * caughtUp.length)];
  session.sticky = next.name;
  return next.name;
}

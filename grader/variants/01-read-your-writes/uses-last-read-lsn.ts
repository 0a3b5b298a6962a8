// Known-wrong: compares followers with the client's last *read* position instead of its last write.
import type { ReadContext, ReadDecision } from "replication-lab";

export function routeRead(ctx: ReadContext): ReadDecision {
  const caughtUp = ctx.followers.filter((f) => f.up && f.appliedLsn >= ctx.session.lastReadLsn);
  if (caughtUp.length === 0) return ctx.leader;
  return caughtUp[Math.floor(ctx.random() * caughtUp.length)].name;
}

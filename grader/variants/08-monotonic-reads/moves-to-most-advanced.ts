// Known-wrong: on a crash, moves to the most up-to-date follower that is up. That follower may
// still be behind the one the client left, if the client was on the fastest.
import type { ReadContext, ReadDecision } from "replication-lab";

export function routeRead(ctx: ReadContext): ReadDecision {
  const current = ctx.followers.find((f) => f.name === ctx.session.sticky);
  if (current && current.up) return current.name;
  const up = ctx.followers.filter((f) => f.up);
  if (up.length === 0) return ctx.leader;
  const best = up.reduce((a, b) => (b.appliedLsn > a.appliedLsn ? b : a));
  ctx.session.sticky = best.name;
  return best.name;
}

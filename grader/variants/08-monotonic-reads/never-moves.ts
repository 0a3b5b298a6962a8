// Known-wrong: sticks to its follower even while it is down. The reads time out to the leader,
// which shows newer values; back on the recovered follower, the client sees older ones.
import type { ReadContext, ReadDecision } from "replication-lab";

export function routeRead(ctx: ReadContext): ReadDecision {
  if (ctx.session.sticky === undefined) {
    ctx.session.sticky = ctx.followers[Math.floor(ctx.random() * ctx.followers.length)].name;
  }
  return ctx.session.sticky;
}

// Known-wrong: sticky, but when the follower crashes the client moves to a random follower,
// which may be far behind the one it left.
import type { ReadContext, ReadDecision } from "replication-lab";

export function routeRead(ctx: ReadContext): ReadDecision {
  const current = ctx.followers.find((f) => f.name === ctx.session.sticky);
  if (current && current.up) return current.name;
  const up = ctx.followers.filter((f) => f.up);
  if (up.length === 0) return ctx.leader;
  ctx.session.sticky = up[Math.floor(ctx.random() * up.length)].name;
  return ctx.session.sticky;
}

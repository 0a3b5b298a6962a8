// Known-wrong: keeps each client on one follower. Reads never go back in time, but a follower
// that has not applied the client's own write still answers with the old value.
import type { ReadContext, ReadDecision } from "replication-lab";

export function routeRead(ctx: ReadContext): ReadDecision {
  const current = ctx.followers.find((f) => f.name === ctx.session.sticky && f.up);
  if (current) return current.name;
  const up = ctx.followers.filter((f) => f.up);
  if (up.length === 0) return ctx.leader;
  ctx.session.sticky = up[Math.floor(ctx.random() * up.length)].name;
  return ctx.session.sticky;
}

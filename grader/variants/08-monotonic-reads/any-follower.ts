// Known-wrong: a random follower for every read. A fast follower, then a slow one, and the key
// goes back in time.
import type { ReadContext, ReadDecision } from "replication-lab";

export function routeRead(ctx: ReadContext): ReadDecision {
  const up = ctx.followers.filter((f) => f.up);
  if (up.length === 0) return ctx.leader;
  return up[Math.floor(ctx.random() * up.length)].name;
}

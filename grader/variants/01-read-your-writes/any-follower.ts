// Known-wrong: any follower that is up, whether or not it has applied the client's last write.
import type { ReadContext, ReadDecision } from "replication-lab";

export function routeRead(ctx: ReadContext): ReadDecision {
  const up = ctx.followers.filter((f) => f.up);
  if (up.length === 0) return ctx.leader;
  return up[Math.floor(ctx.random() * up.length)].name;
}

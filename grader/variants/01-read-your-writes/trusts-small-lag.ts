// Known-wrong: a follower a few milliseconds behind looks fresh enough, but may miss the write
// the client made a millisecond ago.
import type { ReadContext, ReadDecision } from "replication-lab";

export function routeRead(ctx: ReadContext): ReadDecision {
  const fresh = ctx.followers.filter((f) => f.up && f.lagMs <= 5);
  if (fresh.length === 0) return ctx.leader;
  return fresh[Math.floor(ctx.random() * fresh.length)].name;
}

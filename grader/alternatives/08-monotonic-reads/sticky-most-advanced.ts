// Correct alternative: sticky; on a crash moves to the most up-to-date follower that is up, but only if it holds everything the client has seen; every follower read carries that minimum position.
import type { ReadContext, ReadDecision } from "replication-lab";

export function routeRead(ctx: ReadContext): ReadDecision {
  const seen = ctx.session.lastReadLsn;
  let node = ctx.followers.find((f) => f.up && f.name === ctx.session.sticky);
  if (!node) {
    const up = ctx.followers.filter((f) => f.up);
    const best = up.length === 0 ? undefined : up.reduce((a, b) => (b.appliedLsn > a.appliedLsn ? b : a));
    if (!best || best.appliedLsn < seen) return ctx.leader;
    ctx.session.sticky = best.name;
    node = best;
  }
  return { node: node.name, minLsn: seen, ifBehind: "leader" };
}

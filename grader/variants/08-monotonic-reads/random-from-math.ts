// Known-wrong: right within one run, but picks the next follower with Math.random() instead of ctx.random(), so the same run is routed differently each time and a failing case cannot be replayed.
import type { ReadContext, ReadDecision } from "replication-lab";

export function routeRead(ctx: ReadContext): ReadDecision {
  const seen = ctx.session.lastReadLsn;
  const current = ctx.followers.find((f) => f.name === ctx.session.sticky);
  if (current && current.up) return { node: current.name, minLsn: seen, ifBehind: "leader" };
  const caughtUp = ctx.followers.filter((f) => f.up && f.appliedLsn >= seen);
  if (caughtUp.length === 0) return ctx.leader;
  const next = caughtUp[Math.floor(Math.random() * caughtUp.length)];
  ctx.session.sticky = next.name;
  return { node: next.name, minLsn: seen, ifBehind: "leader" };
}

// Known-wrong: sticky, and moves only to a follower that has caught up, but never asks for a minimum position: after reads that fell back to the leader, its own follower comes back from a crash behind what the client saw there.
import type { ReadContext, ReadDecision } from "replication-lab";

export function routeRead(ctx: ReadContext): ReadDecision {
  const session = ctx.session;
  const current = ctx.followers.find((f) => f.name === session.sticky);
  if (current && current.up) return current.name;
  const caughtUp = ctx.followers.filter((f) => f.up && f.appliedLsn >= session.lastReadLsn);
  if (caughtUp.length === 0) return ctx.leader;
  const next = caughtUp[Math.floor(ctx.random() * caughtUp.length)];
  session.sticky = next.name;
  return next.name;
}

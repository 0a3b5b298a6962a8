// Correct alternative: no stickiness at all: every read goes to a random follower that has applied everything the client has seen (with that minimum position), else to the leader.
import type { ReadContext, ReadDecision } from "replication-lab";

export function routeRead(ctx: ReadContext): ReadDecision {
  const seen = ctx.session.lastReadLsn;
  const caughtUp = ctx.followers.filter((f) => f.up && f.appliedLsn >= seen);
  if (caughtUp.length === 0) return ctx.leader;
  return { node: caughtUp[Math.floor(ctx.random() * caughtUp.length)].name, minLsn: seen };
}

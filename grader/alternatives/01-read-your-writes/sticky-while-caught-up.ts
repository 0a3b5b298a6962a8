// Correct alternative: keeps each client on one follower (in ctx.session.sticky) while it holds the client's last write, else moves to another that does, else reads the leader.
import type { ReadContext, ReadDecision } from "replication-lab";

export function routeRead(ctx: ReadContext): ReadDecision {
  const session = ctx.session;
  const holds = (f: { up: boolean; appliedLsn: number }) => f.up && f.appliedLsn >= session.lastWriteLsn;
  const current = ctx.followers.find((f) => f.name === session.sticky);
  if (current && holds(current)) return current.name;
  const caughtUp = ctx.followers.filter(holds);
  if (caughtUp.length === 0) return ctx.leader;
  session.sticky = caughtUp[Math.floor(ctx.random() * caughtUp.length)].name;
  return session.sticky;
}

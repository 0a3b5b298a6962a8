// Known-wrong: the reference's shape, but asks its follower for a minimum position only when the client's last read was answered elsewhere (lastReadNode is not its follower), taking a read answered there as proof that the follower holds what the client saw. lastReadNode is the node of the read answered last: a read held by a crashed follower, answered by the leader 100 ms later with newer values, is followed by a read its new follower answers, and the next read there goes back in time.
import type { ReadContext, ReadDecision } from "replication-lab";

export function routeRead(ctx: ReadContext): ReadDecision {
  const session = ctx.session;
  const seen = session.lastReadLsn;
  const current = ctx.followers.find((f) => f.name === session.sticky);
  if (current && current.up) {
    if (session.lastReadNode === current.name) return current.name;
    return { node: current.name, minLsn: seen, ifBehind: "leader" };
  }
  const caughtUp = ctx.followers.filter((f) => f.up && f.appliedLsn >= seen);
  if (caughtUp.length === 0) return ctx.leader;
  const next = caughtUp[Math.floor(ctx.random() * caughtUp.length)];
  session.sticky = next.name;
  return { node: next.name, minLsn: seen, ifBehind: "leader" };
}

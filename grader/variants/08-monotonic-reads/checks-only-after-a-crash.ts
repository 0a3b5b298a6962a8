// Known-wrong: compares positions only when it picks a follower and when its follower is back from a crash, then trusts that follower while it is up, with no minimum position. A read held by the crashed follower is answered by the leader 100 ms later, with values newer than the follower the client has since moved to: its next read there goes back in time.
import type { ReadContext, ReadDecision } from "replication-lab";

export function routeRead(ctx: ReadContext): ReadDecision {
  const session = ctx.session;
  const seen = session.lastReadLsn;
  // The free slot holds the follower's name, with "!" after it once it has been seen down.
  const [name, wasDown] = (session.sticky ?? "").split("!");
  const current = ctx.followers.find((f) => f.name === name);
  if (current && current.up) {
    if (wasDown === undefined) return current.name;
    if (current.appliedLsn < seen) return ctx.leader;
    session.sticky = current.name;
    return current.name;
  }
  if (current) session.sticky = `${current.name}!`;
  const caughtUp = ctx.followers.filter((f) => f.up && f.appliedLsn >= seen);
  if (caughtUp.length === 0) return ctx.leader;
  const next = caughtUp[Math.floor(ctx.random() * caughtUp.length)];
  session.sticky = next.name;
  return next.name;
}

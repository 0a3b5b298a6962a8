// Known-wrong: the reference, but remembers the client's first follower and, once the client has moved, goes back there without a minimum position as soon as it is up and has applied at least as much as the follower the client is on ("as up to date as"). The follower the client is on may itself be behind what the client saw on the leader, just back from a crash: the first one, back earlier and slower, passes it while still behind what the client saw.
import type { ReadContext, ReadDecision } from "replication-lab";

export function routeRead(ctx: ReadContext): ReadDecision {
  const session = ctx.session;
  const seen = session.lastReadLsn;
  // The free slot holds "<follower now>/<first follower>".
  const [now, first] = (session.sticky ?? "/").split("/");
  const current = ctx.followers.find((f) => f.name === now);
  const home = ctx.followers.find((f) => f.name === first);
  if (current?.up && home?.up && home !== current && home.appliedLsn >= current.appliedLsn) {
    session.sticky = `${first}/${first}`;
    return first;
  }
  if (current?.up) return { node: now, minLsn: seen, ifBehind: "leader" };
  const caughtUp = ctx.followers.filter((f) => f.up && f.appliedLsn >= seen);
  if (caughtUp.length === 0) return ctx.leader;
  const next = caughtUp[Math.floor(ctx.random() * caughtUp.length)].name;
  session.sticky = `${next}/${first || next}`;
  return { node: next, minLsn: seen, ifBehind: "leader" };
}

// Known-wrong: the reference's shape, but asks its follower for one entry less than the client saw
// (minLsn: lastReadLsn - 1, "the entry before the one read"): a follower a single write behind, that
// write to the key read, serves the client an older value.
import type { ReadContext, ReadDecision } from "replication-lab";

export function routeRead(ctx: ReadContext): ReadDecision {
  const session = ctx.session;
  const seen = session.lastReadLsn;
  const need = Math.max(0, seen - 1);
  const current = ctx.followers.find((f) => f.name === session.sticky);
  if (current && current.up) return { node: current.name, minLsn: need, ifBehind: "leader" };
  const caughtUp = ctx.followers.filter((f) => f.up && f.appliedLsn >= need);
  if (caughtUp.length === 0) return ctx.leader;
  const next = caughtUp[Math.floor(ctx.random() * caughtUp.length)];
  session.sticky = next.name;
  return { node: next.name, minLsn: need, ifBehind: "leader" };
}

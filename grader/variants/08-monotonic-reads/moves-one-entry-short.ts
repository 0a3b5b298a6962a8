// Known-wrong: right on its own follower (every read there carries minLsn: lastReadLsn), but when that follower is down it moves to one that has applied one entry less than the client saw (appliedLsn >= lastReadLsn - 1) and sends that first read there without a minimum position: a follower a single write behind, that write to the key read, shows the client an older value.
import type { ReadContext, ReadDecision } from "replication-lab";

export function routeRead(ctx: ReadContext): ReadDecision {
  const session = ctx.session;
  const seen = session.lastReadLsn;
  const current = ctx.followers.find((f) => f.name === session.sticky);
  if (current && current.up) return { node: current.name, minLsn: seen, ifBehind: "leader" };
  const caughtUp = ctx.followers.filter((f) => f.up && f.appliedLsn >= seen - 1);
  if (caughtUp.length === 0) return ctx.leader;
  const next = caughtUp[Math.floor(ctx.random() * caughtUp.length)];
  session.sticky = next.name;
  return next.name;
}

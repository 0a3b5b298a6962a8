// Known-wrong: the reference's shape, but asks its follower for the entry after the last one the client saw (minLsn: lastReadLsn + 1) and waits there for it (ifBehind: "wait"), as if a read had to show something new. Once the writes stop, the entry after the newest the client has seen never comes: its next read waits for good and never gets an answer. Every run used to keep writing until the client's last read.
import type { ReadContext, ReadDecision } from "replication-lab";

export function routeRead(ctx: ReadContext): ReadDecision {
  const session = ctx.session;
  const seen = session.lastReadLsn;
  const current = ctx.followers.find((f) => f.name === session.sticky);
  if (current && current.up) return { node: current.name, minLsn: seen + 1, ifBehind: "wait" };
  const caughtUp = ctx.followers.filter((f) => f.up && f.appliedLsn >= seen);
  if (caughtUp.length === 0) return ctx.leader;
  const next = caughtUp[Math.floor(ctx.random() * caughtUp.length)];
  session.sticky = next.name;
  return { node: next.name, minLsn: seen + 1, ifBehind: "wait" };
}

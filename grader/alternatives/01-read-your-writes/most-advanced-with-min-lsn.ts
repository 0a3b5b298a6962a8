// Correct alternative: every read to the most up-to-date follower that is up, with the client's last write as the minimum position: the simulator sends it to the leader while that follower is behind.
import type { ReadContext, ReadDecision } from "replication-lab";

export function routeRead(ctx: ReadContext): ReadDecision {
  const up = ctx.followers.filter((f) => f.up);
  if (up.length === 0) return ctx.leader;
  const best = up.reduce((a, b) => (b.appliedLsn > a.appliedLsn ? b : a));
  return { node: best.name, minLsn: ctx.session.lastWriteLsn, ifBehind: "leader" };
}

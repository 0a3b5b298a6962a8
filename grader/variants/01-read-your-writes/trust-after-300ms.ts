// Known-wrong: compares log positions only for 300 ms after each of the client's writes, then reads from any follower: a follower that stays far behind for longer still misses the write.
import type { ReadContext, ReadDecision } from "replication-lab";

export function routeRead(ctx: ReadContext): ReadDecision {
  const session = ctx.session;
  // The session's free slot remembers "<last write's LSN>@<when this router first saw it>".
  const [lsn, sinceMs] = (session.sticky ?? "0@0").split("@").map(Number);
  if (session.lastWriteLsn !== lsn) session.sticky = `${session.lastWriteLsn}@${ctx.nowMs}`;
  const trusted = session.lastWriteLsn === lsn && ctx.nowMs - sinceMs > 300;
  const up = ctx.followers.filter((f) => f.up);
  const candidates = trusted ? up : up.filter((f) => f.appliedLsn >= session.lastWriteLsn);
  if (candidates.length === 0) return ctx.leader;
  return candidates[Math.floor(ctx.random() * candidates.length)].name;
}

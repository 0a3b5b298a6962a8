// Known-wrong: reads from the leader for 50 ms after each of the client's writes, then from any follower: no fixed wait is long enough when a follower falls behind just as the client writes.
import type { ReadContext, ReadDecision } from "replication-lab";

export function routeRead(ctx: ReadContext): ReadDecision {
  const session = ctx.session;
  // The session's free slot remembers "<last write's LSN>@<when this router first saw it>".
  const [lsn, sinceMs] = (session.sticky ?? "0@0").split("@").map(Number);
  if (session.lastWriteLsn !== lsn) {
    session.sticky = `${session.lastWriteLsn}@${ctx.nowMs}`;
    return ctx.leader;
  }
  if (session.lastWriteLsn > 0 && ctx.nowMs - sinceMs < 50) return ctx.leader;
  const up = ctx.followers.filter((f) => f.up);
  if (up.length === 0) return ctx.leader;
  return up[Math.floor(ctx.random() * up.length)].name;
}

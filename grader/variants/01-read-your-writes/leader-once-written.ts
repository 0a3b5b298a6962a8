// Known-wrong: a client that has written anything reads only from the leader from then on. Safe,
// but in a busy system almost every client has written, so the followers sit idle.
import type { ReadContext, ReadDecision } from "replication-lab";

export function routeRead(ctx: ReadContext): ReadDecision {
  if (ctx.session.lastWriteLsn > 0) return ctx.leader;
  const up = ctx.followers.filter((f) => f.up);
  if (up.length === 0) return ctx.leader;
  return up[Math.floor(ctx.random() * up.length)].name;
}

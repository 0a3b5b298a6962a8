// Known-wrong: compares followers with the client's last write, except after the client has not read for 5 s: then any follower, as if a pause that long gave every follower time to apply the client's writes. No pause is long enough: a follower can stay behind longer (here half an hour, while she reloads ever more rarely).
import type { ReadContext, ReadDecision } from "replication-lab";

const IDLE_MS = 5000;

export function routeRead(ctx: ReadContext): ReadDecision {
  const s = ctx.session;
  // The free slot holds when this router last routed one of the client's reads.
  const last = s.sticky === undefined ? ctx.nowMs : Number(s.sticky);
  s.sticky = String(ctx.nowMs);
  const idle = ctx.nowMs - last >= IDLE_MS;
  const ok = ctx.followers.filter((f) => f.up && (idle || f.appliedLsn >= s.lastWriteLsn));
  if (ok.length === 0) return ctx.leader;
  return ok[Math.floor(ctx.random() * ok.length)].name;
}

// Known-wrong: remembers, until the client's next write, where in ctx.followers it found a follower that had applied that write, and sends the client's reads to the follower at that place without checking again. The list is not fixed: once the client learns of a new leader after a failover, the new leader leaves it and the old one joins it at the front, so that place names another follower, which may still lack the write.
import type { ReadContext, ReadDecision } from "replication-lab";

export function routeRead(ctx: ReadContext): ReadDecision {
  const s = ctx.session;
  const need = s.lastWriteLsn;
  // The free slot holds "<last write's LSN>:<index in ctx.followers of a follower that had it>".
  const [w, i] = (s.sticky ?? "-1:-1").split(":").map(Number);
  if (w === need && ctx.followers[i]?.up) return ctx.followers[i].name;
  const caughtUp = ctx.followers.map((_, j) => j).filter((j) => ctx.followers[j].up && ctx.followers[j].appliedLsn >= need);
  if (caughtUp.length === 0) return ctx.leader;
  const j = caughtUp[Math.floor(ctx.random() * caughtUp.length)];
  s.sticky = `${need}:${j}`;
  return ctx.followers[j].name;
}

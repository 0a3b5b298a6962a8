// Known-wrong: takes a new leader's log to start afresh, so once the leader it knows changes it stops comparing followers with the client's last write until the client writes again. A failover keeps log positions (the new leader holds every acknowledged write where the old one had it), and a follower still behind that write serves the old value.
import type { ReadContext, ReadDecision } from "replication-lab";

export function routeRead(ctx: ReadContext): ReadDecision {
  const s = ctx.session;
  // The free slot holds "<leader>|<last write's LSN>" as of the last write seen under that leader.
  const [leader, lsn] = (s.sticky ?? `${ctx.leader}|0`).split("|");
  let mustHave = s.lastWriteLsn;
  if (leader !== ctx.leader && Number(lsn) === s.lastWriteLsn) mustHave = 0;
  else s.sticky = `${ctx.leader}|${s.lastWriteLsn}`;
  const caughtUp = ctx.followers.filter((f) => f.up && f.appliedLsn >= mustHave);
  if (caughtUp.length === 0) return ctx.leader;
  return caughtUp[Math.floor(ctx.random() * caughtUp.length)].name;
}

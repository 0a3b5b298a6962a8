// Known-wrong: for the client's first 300 reads after each of its writes, reads only from followers that have applied it; after that, from any follower whatever it holds, as if that many reads were surely long enough for the write to reach them. No count of reads is: a follower can stay behind for as long as the client keeps reading (here half an hour, a thousand reloads).
import type { ReadContext, ReadDecision } from "replication-lab";

const TRUST_AFTER_READS = 300;

export function routeRead(ctx: ReadContext): ReadDecision {
  const s = ctx.session;
  // The free slot holds "<last write's LSN>:<reads routed since>".
  const count = s.sticky?.startsWith(`${s.lastWriteLsn}:`) ? Number(s.sticky.split(":")[1]) + 1 : 1;
  s.sticky = `${s.lastWriteLsn}:${count}`;
  const fresh = ctx.followers.filter((f) => f.up && (count > TRUST_AFTER_READS || f.appliedLsn >= s.lastWriteLsn));
  if (fresh.length === 0) return ctx.leader;
  return fresh[Math.floor(ctx.random() * fresh.length)].name;
}

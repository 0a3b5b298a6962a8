// Known-wrong: the trust-after-a-second mistake with a longer wait: for 2.5 s after each of the client's writes, reads only from followers that have applied it; after that, from the most advanced follower whatever it holds. A follower can stay behind longer than any fixed time (here 3 s).
import type { ReadContext, ReadDecision } from "replication-lab";

const TRUST_AFTER_MS = 2500;

export function routeRead(ctx: ReadContext): ReadDecision {
  const s = ctx.session;
  // The free slot holds when this router first saw the client's current last write.
  const seen = s.sticky?.startsWith(`${s.lastWriteLsn}:`) ? Number(s.sticky.split(":")[1]) : ctx.nowMs;
  s.sticky = `${s.lastWriteLsn}:${seen}`;
  const fresh = ctx.followers.filter((f) => f.up && (ctx.nowMs - seen >= TRUST_AFTER_MS || f.appliedLsn >= s.lastWriteLsn));
  if (fresh.length === 0) return ctx.leader;
  return fresh.reduce((best, f) => (f.appliedLsn > best.appliedLsn ? f : best)).name;
}

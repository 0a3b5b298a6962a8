// Known-wrong: the trust-after-a-second mistake with the wait the text's 3 s scene suggests: for 3 s after each of the client's writes, reads only from followers that have applied it; after that, from any follower whatever it holds. A follower can stay behind longer than any fixed time (here half an hour).
import type { ReadContext, ReadDecision } from "replication-lab";

/** "The followers are 3 s behind at worst", as the scene says. */
const WORST_LAG_MS = 3000;

export function routeRead(ctx: ReadContext): ReadDecision {
  const { session, nowMs } = ctx;
  // The session's free slot remembers when this router first routed a read after the client's last write.
  const [writeLsn, firstReadMs] = (session.sticky ?? "").split("/").map(Number);
  const since = writeLsn === session.lastWriteLsn ? firstReadMs : nowMs;
  session.sticky = `${session.lastWriteLsn}/${since}`;
  const settled = nowMs - since >= WORST_LAG_MS;
  const candidates = ctx.followers.filter((f) => f.up && (settled || f.appliedLsn >= session.lastWriteLsn));
  return candidates.length === 0 ? ctx.leader : candidates[Math.floor(ctx.random() * candidates.length)].name;
}

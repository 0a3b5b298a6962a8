// Known-wrong: like follows-last-read-node, but the follower for a read without a last node comes from the key (the same for every client), not from ctx.random(): a page's keys always land on the same followers, so whether the next page, sent where the last key was served, reads older values depends on which follower that is. Against the followers of a fixed scene it may be the fastest every time; aimed at the follower the second page goes to, it is the slowest.
import type { ReadContext, ReadDecision } from "replication-lab";

export function routeRead(ctx: ReadContext): ReadDecision {
  const session = ctx.session;
  const seen = session.lastReadLsn;
  const last = ctx.followers.find((f) => f.name === session.lastReadNode);
  if (last && last.up) return last.name;
  const caughtUp = ctx.followers.filter((f) => f.up && f.appliedLsn >= seen);
  if (caughtUp.length === 0) return ctx.leader;
  let h = 1;
  for (const c of ctx.key) h += c.charCodeAt(0);
  return caughtUp[h % caughtUp.length].name;
}

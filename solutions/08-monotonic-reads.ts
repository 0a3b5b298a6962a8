/**
 * Exercise 08 — Monotonic reads: reference solution.
 *
 * A client stays on one follower, whose applied position only grows. When that follower is down,
 * the client moves to one that has applied everything the client has seen (`lastReadLsn`): a log
 * is applied in order, so such a follower holds, for every key, the value the client last saw or a
 * newer one. Every follower read also carries `minLsn: lastReadLsn`, because a read that fell
 * back to the leader may have shown the client something newer than its own follower has.
 */
import type { ReadContext, ReadDecision } from "../lib";

/** Where to send one read so that its client's reads never go back in time; followers whenever safe. */
export function routeRead(ctx: ReadContext): ReadDecision {
  const session = ctx.session;
  const seen = session.lastReadLsn;
  const current = ctx.followers.find((f) => f.name === session.sticky);
  if (current && current.up) return { node: current.name, minLsn: seen, ifBehind: "leader" };
  const caughtUp = ctx.followers.filter((f) => f.up && f.appliedLsn >= seen);
  // No follower has caught up with what this client saw: the leader has everything. The client
  // moves to a follower on a later read, once one has caught up.
  if (caughtUp.length === 0) return ctx.leader;
  const next = caughtUp[Math.floor(ctx.random() * caughtUp.length)];
  session.sticky = next.name;
  return { node: next.name, minLsn: seen, ifBehind: "leader" };
}

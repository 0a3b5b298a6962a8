/**
 * Exercise 01 — Read-your-writes: reference solution.
 *
 * The client's session carries the log position of its last acknowledged write. Any follower that
 * has applied that position holds the write (a log is applied in order), so it can serve the read;
 * choosing among those followers, rather than trying one at random and falling back, keeps the
 * leader for the moments when no follower has caught up yet. Comparing log positions, not time
 * since the write, is what makes this hold under a slow follower: no fixed delay is long enough.
 */
import type { ReadContext, ReadDecision } from "../lib";

/** Where to send one read so that its client sees their own writes; followers whenever safe. */
export function routeRead(ctx: ReadContext): ReadDecision {
  const mustHave = ctx.session.lastWriteLsn;
  const caughtUp = ctx.followers.filter((f) => f.up && f.appliedLsn >= mustHave);
  if (caughtUp.length === 0) return ctx.leader;
  const chosen = caughtUp[Math.floor(ctx.random() * caughtUp.length)];
  // minLsn as well: if the chosen follower were somehow behind when the read arrives, the read
  // goes to the leader instead of returning an old value.
  return { node: chosen.name, minLsn: mustHave, ifBehind: "leader" };
}

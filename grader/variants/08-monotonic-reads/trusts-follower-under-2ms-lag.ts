// Known-wrong: the reference's shape, but sends a read to a follower less than 2 ms behind the leader (lagMs < 2) without a minimum position, as if nothing the client saw could be newer than that. A follower back from a crash is only a write behind, accepted a moment ago, and the client may have seen that write on the leader just before: the follower shows it an older value.
import type { ReadContext, ReadDecision } from "replication-lab";

const FRESH_MS = 2;

export function routeRead(ctx: ReadContext): ReadDecision {
  const session = ctx.session;
  const seen = session.lastReadLsn;
  const ask = (f: { name: string; lagMs: number }): ReadDecision => (f.lagMs < FRESH_MS ? f.name : { node: f.name, minLsn: seen, ifBehind: "leader" });
  const current = ctx.followers.find((f) => f.name === session.sticky);
  if (current && current.up) return ask(current);
  const caughtUp = ctx.followers.filter((f) => f.up && f.appliedLsn >= seen);
  if (caughtUp.length === 0) return ctx.leader;
  const next = caughtUp[Math.floor(ctx.random() * caughtUp.length)];
  session.sticky = next.name;
  return ask(next);
}

// Known-wrong: right within one run, but keeps each client's follower in a map outside the function instead of ctx.session, so it carries over into the next run.
import type { ReadContext, ReadDecision } from "replication-lab";

const stickyOf = new Map<string, string>();

export function routeRead(ctx: ReadContext): ReadDecision {
  const seen = ctx.session.lastReadLsn;
  const current = ctx.followers.find((f) => f.name === stickyOf.get(ctx.client));
  if (current && current.up) return { node: current.name, minLsn: seen, ifBehind: "leader" };
  const caughtUp = ctx.followers.filter((f) => f.up && f.appliedLsn >= seen);
  if (caughtUp.length === 0) return ctx.leader;
  const next = caughtUp[Math.floor(ctx.random() * caughtUp.length)];
  stickyOf.set(ctx.client, next.name);
  return { node: next.name, minLsn: seen, ifBehind: "leader" };
}

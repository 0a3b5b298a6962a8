// Known-wrong: right within one run, but spreads reads over the caught-up followers with a counter kept outside the function, which carries over from one run into the next instead of living in ctx.session.
import type { ReadContext, ReadDecision } from "replication-lab";

let next = 0;

export function routeRead(ctx: ReadContext): ReadDecision {
  const caughtUp = ctx.followers.filter((f) => f.up && f.appliedLsn >= ctx.session.lastWriteLsn);
  if (caughtUp.length === 0) return ctx.leader;
  const chosen = caughtUp[next++ % caughtUp.length];
  return { node: chosen.name, minLsn: ctx.session.lastWriteLsn };
}

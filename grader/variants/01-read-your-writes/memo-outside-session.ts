// Known-wrong: remembers the follower chosen for each (client, last write position) in a variable at the top of the file instead of ctx.session (rule (d)). Within one run it is right, and the same run routed again decides alike; but the next, different run in the same loaded module reuses a follower chosen in an earlier run for the same client and position, which may lack the write now.
import type { ReadContext, ReadDecision } from "replication-lab";

const chosenFor = new Map<string, string>();

export function routeRead(ctx: ReadContext): ReadDecision {
  const mustHave = ctx.session.lastWriteLsn;
  const caughtUp = ctx.followers.filter((f) => f.up && f.appliedLsn >= mustHave);
  if (caughtUp.length === 0) return ctx.leader;
  const pick = caughtUp[Math.floor(ctx.random() * caughtUp.length)].name;
  const key = `${ctx.client}@${mustHave}`;
  if (!chosenFor.has(key)) chosenFor.set(key, pick);
  return chosenFor.get(key)!;
}

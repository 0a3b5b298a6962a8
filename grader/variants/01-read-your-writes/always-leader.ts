// Known-wrong: every read goes to the leader. Always fresh, but the followers serve nothing.
import type { ReadContext, ReadDecision } from "replication-lab";

export function routeRead(ctx: ReadContext): ReadDecision {
  return ctx.leader;
}

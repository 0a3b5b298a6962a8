// Known-wrong: every read on the leader. Monotonic, but the followers serve nothing.
import type { ReadContext, ReadDecision } from "replication-lab";

export function routeRead(ctx: ReadContext): ReadDecision {
  return ctx.leader;
}

// Correct alternative: its own read-back router sticks each client to a follower kept in
// ctx.session.sticky and asks for the client's last write position; serving within 80 ms of
// staleness; dashboards stick to a follower.
import { boundedStaleness, leaderOnly, stickyFollower, type ReadContext, type ReadDecision, type ReadRouting } from "replication-lab";

export type RegistryOperation = "register-version" | "promote" | "serve-model" | "list-versions" | "read-audit-log";

function readBack(ctx: ReadContext): ReadDecision {
  const up = ctx.followers.filter((f) => f.up);
  if (up.length === 0) return ctx.leader;
  if (ctx.session.sticky === undefined || !up.some((f) => f.name === ctx.session.sticky)) {
    ctx.session.sticky = up[Math.floor(ctx.random() * up.length)].name;
  }
  return { node: ctx.session.sticky, minLsn: ctx.session.lastWriteLsn, ifBehind: "leader" };
}

export function choosePolicy(operation: RegistryOperation): { routing: ReadRouting; reason: string } {
  switch (operation) {
    case "serve-model":
      return { routing: boundedStaleness(80), reason: "A serving node may load a demoted version for a short while; 80 ms stays under the 100 ms limit." };
    case "read-audit-log":
      return { routing: leaderOnly(), reason: "An audit must show every entry, and the auditor wrote nothing to wait for: the leader." };
    case "list-versions":
      return { routing: stickyFollower(), reason: "Dashboards may be a little stale; one follower each keeps their lists from going backwards." };
    default:
      return { routing: readBack, reason: "The author must see their own write: a follower that has reached the author's last write, or the leader." };
  }
}

// Known-wrong: its own read-back router sticks each client to a follower, remembered in a Map
// outside the function instead of ctx.session: within one run it is right, but the Map outlives
// the run, and the next run's clients of the same name start stuck where the last run left them.
import { anyFollower, boundedStaleness, leaderOnly, type ReadContext, type ReadDecision, type ReadRouting } from "replication-lab";

export type RegistryOperation = "register-version" | "promote" | "serve-model" | "list-versions" | "read-audit-log";

const stuckTo = new Map<string, string>();

function readBack(ctx: ReadContext): ReadDecision {
  let node = stuckTo.get(ctx.client);
  if (node === undefined) {
    const up = ctx.followers.filter((f) => f.up);
    node = up.length === 0 ? ctx.leader : up[Math.floor(ctx.random() * up.length)].name;
    stuckTo.set(ctx.client, node);
  }
  return { node, minLsn: ctx.session.lastWriteLsn };
}

export function choosePolicy(operation: RegistryOperation): { routing: ReadRouting; reason: string } {
  switch (operation) {
    case "serve-model":
      return { routing: boundedStaleness(50), reason: "Serving may run a demoted version briefly; 50 ms keeps well inside 100 ms." };
    case "read-audit-log":
      return { routing: leaderOnly(), reason: "Audits must be complete, so they read from the leader." };
    case "list-versions":
      return { routing: anyFollower(), reason: "Dashboards can be a little stale without harm." };
    default:
      return { routing: readBack, reason: "The author reads back from their own follower, at least at their last write." };
  }
}

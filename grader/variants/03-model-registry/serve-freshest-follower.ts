// Known-wrong: serving reads from the least lagging follower, however far behind it is: when every follower is more than 100 ms behind, servers load a version demoted over 100 ms ago.
import { anyFollower, boundedStaleness, leaderOnly, readYourWrites, type ReadContext, type ReadDecision, type ReadRouting } from "replication-lab";

export type RegistryOperation = "register-version" | "promote" | "serve-model" | "list-versions" | "read-audit-log";

/** Serving: the follower least behind, which is as fresh as followers get; the leader only when none is up. */
function freshest(ctx: ReadContext): ReadDecision {
  const up = ctx.followers.filter((f) => f.up);
  if (up.length === 0) return ctx.leader;
  return up.reduce((a, b) => (b.lagMs < a.lagMs ? b : a)).name;
}
export function choosePolicy(operation: RegistryOperation): { routing: ReadRouting; reason: string } {
  switch (operation) {
    case "register-version":
    case "promote":
      return { routing: readYourWrites(), reason: "The author of a write must see it when reading back, so read-your-writes by log position." };
    case "serve-model":
      return { routing: freshest, reason: "Serving nodes may load a demoted version for a short while, so followers that are only a little behind are fine." };
    case "list-versions":
      return { routing: anyFollower(), reason: "Dashboards can be a little stale without harming anyone." };
    case "read-audit-log":
      return { routing: leaderOnly(), reason: "Audits must be complete, so they read from an up-to-date replica." };
  }
}

// Known-wrong: serving avoids only the single slowest follower and reads from any other, with no bound on how far behind it is: when two followers fall far behind at once (or one of two followers when the other is down), one of them serves a version demoted long ago. A run with one slow follower never shows it: it always skips that one.
import { anyFollower, boundedStaleness, leaderOnly, readYourWrites, type ReadContext, type ReadDecision, type ReadRouting } from "replication-lab";

export type RegistryOperation = "register-version" | "promote" | "serve-model" | "list-versions" | "read-audit-log";

/** Serving: any follower but the one furthest behind (the straggler), so a slow replica never serves. */
function anyButSlowest(ctx: ReadContext): ReadDecision {
  const up = ctx.followers.filter((f) => f.up);
  if (up.length === 0) return ctx.leader;
  if (up.length === 1) return up[0].name;
  const slowest = up.reduce((a, b) => (b.lagMs > a.lagMs ? b : a));
  const rest = up.filter((f) => f !== slowest);
  return rest[Math.floor(ctx.random() * rest.length)].name;
}
export function choosePolicy(operation: RegistryOperation): { routing: ReadRouting; reason: string } {
  switch (operation) {
    case "register-version":
    case "promote":
      return { routing: readYourWrites(), reason: "The author of a write must see it when reading back, so read-your-writes by log position." };
    case "serve-model":
      return { routing: anyButSlowest, reason: "Serving nodes may load a demoted version for a short while, so followers that are only a little behind are fine." };
    case "list-versions":
      return { routing: anyFollower(), reason: "Dashboards can be a little stale without harming anyone." };
    case "read-audit-log":
      return { routing: leaderOnly(), reason: "Audits must be complete, so they read from an up-to-date replica." };
  }
}

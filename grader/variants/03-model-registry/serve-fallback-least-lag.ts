// Known-wrong: serving from a follower at most 50 ms behind, but when none is, from the least lagging follower instead of the leader (to keep within the leader budget): when all followers are over 100 ms behind, servers load a long-demoted version.
import { anyFollower, boundedStaleness, leaderOnly, readYourWrites, type ReadContext, type ReadDecision, type ReadRouting } from "replication-lab";

export type RegistryOperation = "register-version" | "promote" | "serve-model" | "list-versions" | "read-audit-log";

/** Serving: a follower at most 50 ms behind; if none, the least lagging follower, to keep serving off the leader. */
function boundedOrLeast(ctx: ReadContext): ReadDecision {
  const up = ctx.followers.filter((f) => f.up);
  const ok = up.filter((f) => f.lagMs <= 50);
  if (ok.length > 0) return ok[Math.floor(ctx.random() * ok.length)].name;
  if (up.length === 0) return ctx.leader;
  return up.reduce((a, b) => (b.lagMs < a.lagMs ? b : a)).name;
}
export function choosePolicy(operation: RegistryOperation): { routing: ReadRouting; reason: string } {
  switch (operation) {
    case "register-version":
    case "promote":
      return { routing: readYourWrites(), reason: "The author of a write must see it when reading back, so read-your-writes by log position." };
    case "serve-model":
      return { routing: boundedOrLeast, reason: "Serving nodes may load a demoted version for a short while, so followers that are only a little behind are fine." };
    case "list-versions":
      return { routing: anyFollower(), reason: "Dashboards can be a little stale without harming anyone." };
    case "read-audit-log":
      return { routing: leaderOnly(), reason: "Audits must be complete, so they read from an up-to-date replica." };
  }
}

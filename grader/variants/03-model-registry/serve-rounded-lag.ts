// Known-wrong: serving checks the lag rounded to whole milliseconds against the 100 ms limit, so a follower up to 100.49 ms behind serves: a promotion acknowledged 100.3 ms ago can be missing (every follower trailing 100.6 ms shows it).
import { anyFollower, boundedStaleness, leaderOnly, readYourWrites, type ReadContext, type ReadDecision, type ReadRouting } from "replication-lab";

export type RegistryOperation = "register-version" | "promote" | "serve-model" | "list-versions" | "read-audit-log";

/** Serving: followers whose lag, in whole milliseconds, is at most 100. */
function roundedLag(ctx: ReadContext): ReadDecision {
  const ok = ctx.followers.filter((f) => f.up && Math.round(f.lagMs) <= 100);
  if (ok.length === 0) return ctx.leader;
  return ok[Math.floor(ctx.random() * ok.length)].name;
}
export function choosePolicy(operation: RegistryOperation): { routing: ReadRouting; reason: string } {
  switch (operation) {
    case "register-version":
    case "promote":
      return { routing: readYourWrites(), reason: "The author of a write must see it when reading back, so read-your-writes by log position." };
    case "serve-model":
      return { routing: roundedLag, reason: "Serving nodes may load a demoted version for a short while, so followers that are only a little behind are fine." };
    case "list-versions":
      return { routing: anyFollower(), reason: "Dashboards can be a little stale without harming anyone." };
    case "read-audit-log":
      return { routing: leaderOnly(), reason: "Audits must be complete, so they read from an up-to-date replica." };
  }
}

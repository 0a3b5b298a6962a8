// Known-wrong: serving spreads its reads over the followers within 50 ms by a toggle kept in a
// variable outside the router (first one, then the last, in turn), not in ctx.session: each run is
// routed right, but the toggle outlives the run, and the next run starts wherever the last one
// left it. Its run of seed 1 has an even number of serve reads, so routed twice in a row it
// decided alike; after a run with one serve read it decides otherwise.
import { anyFollower, leaderOnly, readYourWrites, type ReadContext, type ReadDecision, type ReadRouting } from "replication-lab";

export type RegistryOperation = "register-version" | "promote" | "serve-model" | "list-versions" | "read-audit-log";

let takeFirst = false;

/** Serving: the followers within 50 ms, taken in turn, so that no one follower carries the load. */
function inTurn(ctx: ReadContext): ReadDecision {
  const ok = ctx.followers.filter((f) => f.up && f.lagMs <= 50);
  if (ok.length === 0) return ctx.leader;
  takeFirst = !takeFirst;
  return (takeFirst ? ok[0] : ok[ok.length - 1]).name;
}

export function choosePolicy(operation: RegistryOperation): { routing: ReadRouting; reason: string } {
  switch (operation) {
    case "register-version":
    case "promote":
      return { routing: readYourWrites(), reason: "The author of a write must see it when reading back, so read-your-writes by log position." };
    case "serve-model":
      return { routing: inTurn, reason: "Serving may lag a little; followers within 50 ms, taken in turn to spread the load." };
    case "list-versions":
      return { routing: anyFollower(), reason: "Dashboards can be a little stale without harming anyone." };
    case "read-audit-log":
      return { routing: leaderOnly(), reason: "Audits must be complete, so they read from the leader." };
  }
}

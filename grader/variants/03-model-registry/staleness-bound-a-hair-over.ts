// Known-wrong: bounded staleness for serving at 100.02 ms ("the 100 ms limit, and a rounding
// error's worth over it"): a follower 100.01 ms behind serves, and a read 100.005 ms after a
// promotion is acknowledged loads the version it demoted. Followers trailing halfway between the
// limit and the bound (100.01 ms) had the promotion by the edge reads at 100.1 and 100.3 ms, and
// a random serve read fell in that hundredth of a millisecond only now and then.
import { anyFollower, boundedStaleness, leaderOnly, readYourWrites, type ReadRouting } from "replication-lab";

export type RegistryOperation = "register-version" | "promote" | "serve-model" | "list-versions" | "read-audit-log";

export function choosePolicy(operation: RegistryOperation): { routing: ReadRouting; reason: string } {
  switch (operation) {
    case "serve-model":
      return { routing: boundedStaleness(100.02), reason: "Serving may lag up to the 100 ms limit; a hair over it is only rounding." };
    case "read-audit-log":
      return { routing: leaderOnly(), reason: "Audits must be complete, so they read from the leader." };
    case "list-versions":
      return { routing: anyFollower(), reason: "Dashboards can be a little stale without harm." };
    default:
      return { routing: readYourWrites(), reason: "The author of a write must see it when reading back." };
  }
}

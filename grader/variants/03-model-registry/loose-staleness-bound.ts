// Known-wrong: bounded staleness for serving, but with a bound (500 ms) looser than the 100 ms
// the invariant allows.
import { anyFollower, boundedStaleness, leaderOnly, readYourWrites, type ReadRouting } from "replication-lab";

export type RegistryOperation = "register-version" | "promote" | "serve-model" | "list-versions" | "read-audit-log";

export function choosePolicy(operation: RegistryOperation): { routing: ReadRouting; reason: string } {
  switch (operation) {
    case "serve-model":
      return { routing: boundedStaleness(500), reason: "Half a second of staleness is fine for serving a model." };
    case "read-audit-log":
      return { routing: leaderOnly(), reason: "Audits must be complete, so they read from the leader." };
    case "list-versions":
      return { routing: anyFollower(), reason: "Dashboards can be a little stale without harm." };
    default:
      return { routing: readYourWrites(), reason: "The author of a write must see it when reading back." };
  }
}

// Known-wrong: bounded staleness for the read-backs after register and promote. A follower 20 ms
// behind is "fresh enough" by the bound, yet misses the write made a millisecond ago.
import { anyFollower, boundedStaleness, leaderOnly, type ReadRouting } from "replication-lab";

export type RegistryOperation = "register-version" | "promote" | "serve-model" | "list-versions" | "read-audit-log";

export function choosePolicy(operation: RegistryOperation): { routing: ReadRouting; reason: string } {
  switch (operation) {
    case "read-audit-log":
      return { routing: leaderOnly(), reason: "Audits must be complete, so they read from the leader." };
    case "list-versions":
      return { routing: anyFollower(), reason: "Dashboards can be a little stale without harm." };
    default:
      return { routing: boundedStaleness(50), reason: "A follower at most 50 ms behind is fresh enough here." };
  }
}

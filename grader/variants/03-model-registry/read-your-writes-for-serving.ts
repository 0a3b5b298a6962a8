// Known-wrong: read-your-writes for serving too. Serving nodes never write, so it is "any
// follower" for them, and a slow follower keeps serving a demoted version.
import { anyFollower, leaderOnly, readYourWrites, type ReadRouting } from "replication-lab";

export type RegistryOperation = "register-version" | "promote" | "serve-model" | "list-versions" | "read-audit-log";

export function choosePolicy(operation: RegistryOperation): { routing: ReadRouting; reason: string } {
  switch (operation) {
    case "read-audit-log":
      return { routing: leaderOnly(), reason: "Audits must be complete, so they read from the leader." };
    case "list-versions":
      return { routing: anyFollower(), reason: "Dashboards can be a little stale without harm." };
    default:
      return { routing: readYourWrites(), reason: "Every reader sees the registry's own writes in time." };
  }
}

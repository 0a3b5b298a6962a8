// Known-wrong: bounded staleness for serving with "a little slack" over the 100 ms limit (130 ms):
// a follower trailing between 100 and 130 ms still serves, and loads a version demoted over
// 100 ms ago. Random runs pass through that band only briefly; a follower placed in it does not.
import { anyFollower, boundedStaleness, leaderOnly, readYourWrites, type ReadRouting } from "replication-lab";

export type RegistryOperation = "register-version" | "promote" | "serve-model" | "list-versions" | "read-audit-log";

export function choosePolicy(operation: RegistryOperation): { routing: ReadRouting; reason: string } {
  switch (operation) {
    case "serve-model":
      return { routing: boundedStaleness(130), reason: "Serving may lag about 100 ms; lag is measured roughly, so allow some slack." };
    case "read-audit-log":
      return { routing: leaderOnly(), reason: "Audits must be complete, so they read from the leader." };
    case "list-versions":
      return { routing: anyFollower(), reason: "Dashboards can be a little stale without harm." };
    default:
      return { routing: readYourWrites(), reason: "The author of a write must see it when reading back." };
  }
}

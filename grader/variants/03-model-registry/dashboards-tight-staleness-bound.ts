// Known-wrong: dashboards read only from followers within 2 ms ("lists should be fresh"), though
// they have no rule of their own: when two followers trail and the third is 3 ms behind on average
// on a busy database, it is more than 2 ms behind so often that the leader serves 16-29% of the
// reads, over the 15% budget. Runs with one slow follower keep it under 13%.
import { boundedStaleness, leaderOnly, readYourWrites, type ReadRouting } from "replication-lab";

export type RegistryOperation = "register-version" | "promote" | "serve-model" | "list-versions" | "read-audit-log";

export function choosePolicy(operation: RegistryOperation): { routing: ReadRouting; reason: string } {
  switch (operation) {
    case "register-version":
    case "promote":
      return { routing: readYourWrites(), reason: "The author of a write must see it when reading back, so read-your-writes by log position." };
    case "serve-model":
      return { routing: boundedStaleness(50), reason: "Serving nodes may load a demoted version for a short while, so a follower within 50 ms is fine." };
    case "list-versions":
      return { routing: boundedStaleness(2), reason: "Dashboards should show new versions almost at once, so only followers within 2 ms." };
    case "read-audit-log":
      return { routing: leaderOnly(), reason: "Audits must be complete, so they read from the leader." };
  }
}

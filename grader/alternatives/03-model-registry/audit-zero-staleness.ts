// Correct alternative: audits read from a follower with no lag at all (boundedStaleness(0)): a lag of 0 means it has applied everything the leader holds when the read is routed, and an applied position never drops before the read arrives (a follower that crashes meanwhile sends it to the leader).
import { anyFollower, boundedStaleness, readYourWrites, type ReadRouting } from "replication-lab";

type RegistryOperation = "register-version" | "promote" | "serve-model" | "list-versions" | "read-audit-log";

export function choosePolicy(operation: RegistryOperation): { routing: ReadRouting; reason: string } {
  switch (operation) {
    case "register-version":
    case "promote":
      return { routing: readYourWrites(), reason: "The writer must see its own write: read-your-writes by log position." };
    case "serve-model":
      return { routing: boundedStaleness(50), reason: "Serving may lag a little, well inside the 100 ms limit." };
    case "list-versions":
      return { routing: anyFollower(), reason: "Dashboards may be slightly stale." };
    case "read-audit-log":
      return { routing: boundedStaleness(0), reason: "An audit must be complete: only a follower with no lag at all has every entry; else the leader." };
  }
}

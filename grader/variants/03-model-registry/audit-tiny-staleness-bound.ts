// Known-wrong: audits read from a follower at most half a millisecond behind ("so little cannot lose an entry"): an entry acknowledged a moment before the audit began is on no follower yet, and a follower whose lag is a fraction of a millisecond serves the log without it.
import { anyFollower, boundedStaleness, readYourWrites, type ReadRouting } from "replication-lab";

export type RegistryOperation = "register-version" | "promote" | "serve-model" | "list-versions" | "read-audit-log";

export function choosePolicy(operation: RegistryOperation): { routing: ReadRouting; reason: string } {
  switch (operation) {
    case "serve-model":
      return { routing: boundedStaleness(50), reason: "Serving may lag a little, well within the 100 ms a demoted version may still be loaded." };
    case "read-audit-log":
      return { routing: boundedStaleness(0.5), reason: "An audit must be complete: a follower at most half a millisecond behind has every entry, and spares the leader." };
    case "list-versions":
      return { routing: anyFollower(), reason: "Dashboards can be a little stale without harm." };
    default:
      return { routing: readYourWrites(), reason: "The author of a write must see it when reading back." };
  }
}

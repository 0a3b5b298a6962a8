// Known-wrong: every invariant holds, but dashboards read from the leader "to be safe": they are
// a third of the reads, which breaks the leader budget.
import { boundedStaleness, leaderOnly, readYourWrites, type ReadRouting } from "replication-lab";

export type RegistryOperation = "register-version" | "promote" | "serve-model" | "list-versions" | "read-audit-log";

export function choosePolicy(operation: RegistryOperation): { routing: ReadRouting; reason: string } {
  switch (operation) {
    case "serve-model":
      return { routing: boundedStaleness(50), reason: "Serving may lag a promotion by a bounded time." };
    case "register-version":
    case "promote":
      return { routing: readYourWrites(), reason: "The author of a write must see it when reading back." };
    default:
      return { routing: leaderOnly(), reason: "People look at these, so they should see fresh data." };
  }
}

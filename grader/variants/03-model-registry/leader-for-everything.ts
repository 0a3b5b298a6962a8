// Known-wrong: every operation reads from the leader. Every invariant holds, but the leader
// carries all the reads, far over the budget.
import { leaderOnly, type ReadRouting } from "replication-lab";

export type RegistryOperation = "register-version" | "promote" | "serve-model" | "list-versions" | "read-audit-log";

export function choosePolicy(operation: RegistryOperation): { routing: ReadRouting; reason: string } {
  return { routing: leaderOnly(), reason: `The leader is always up to date, so ${operation} is always correct there.` };
}

// Known-wrong: every operation reads from any follower. Cheap, but read-backs miss the write just
// made, servers keep loading demoted versions on the slow follower, and audits miss entries.
import { anyFollower, type ReadRouting } from "replication-lab";

export type RegistryOperation = "register-version" | "promote" | "serve-model" | "list-versions" | "read-audit-log";

export function choosePolicy(operation: RegistryOperation): { routing: ReadRouting; reason: string } {
  return { routing: anyFollower(), reason: `Followers scale reads, so ${operation} reads from any of them.` };
}

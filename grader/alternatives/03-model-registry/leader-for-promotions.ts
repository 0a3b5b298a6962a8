// Correct alternative: promotions are rare, so their read-backs go to the leader; registrations
// read back with read-your-writes; serving stays on followers at most 100 ms behind, the limit itself.
import { anyFollower, boundedStaleness, leaderOnly, readYourWrites, type ReadRouting } from "replication-lab";

export type RegistryOperation = "register-version" | "promote" | "serve-model" | "list-versions" | "read-audit-log";

const POLICIES: Record<RegistryOperation, { routing: ReadRouting; reason: string }> = {
  "register-version": { routing: readYourWrites(), reason: "The author needs the version they just registered, from any follower that has it." },
  promote: { routing: leaderOnly(), reason: "A promotion is confirmed from the leader: exact, and promotions are too rare to matter for load." },
  "serve-model": { routing: boundedStaleness(100), reason: "A follower at most 100 ms behind has every promotion acknowledged 100 ms ago." },
  "list-versions": { routing: anyFollower(), reason: "A dashboard that is a few milliseconds late harms nobody." },
  "read-audit-log": { routing: leaderOnly(), reason: "Audits must be complete and the auditor writes nothing: only the leader can promise that." },
};

export function choosePolicy(operation: RegistryOperation): { routing: ReadRouting; reason: string } {
  return POLICIES[operation];
}

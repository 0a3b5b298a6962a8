/**
 * Exercise 03 — Follower reads for a model registry: reference solution.
 *
 * Each operation gets the weakest routing that still keeps its invariant, so that the two big
 * read streams (serving and dashboards) stay on followers and the leader keeps only the few
 * reads that must be exact.
 */
import { anyFollower, boundedStaleness, leaderOnly, readYourWrites, type ReadRouting } from "../lib";

/** The registry's operations: the `purpose` of their reads. */
export type RegistryOperation = "register-version" | "promote" | "serve-model" | "list-versions" | "read-audit-log";

/** Where one operation's reads go, and why. */
export interface ReadPolicy {
  routing: ReadRouting;
  reason: string;
}

const POLICIES: Record<RegistryOperation, ReadPolicy> = {
  "register-version": {
    routing: readYourWrites(),
    reason:
      "The author must see the version they just registered, but nobody else needs it at once: a follower that has " +
      "applied the author's last write is as good as the leader, and the leader is used only when none has.",
  },
  promote: {
    routing: readYourWrites(),
    reason:
      "A release engineer who promotes a version and reads back the old pointer may promote again or roll back by " +
      "mistake: read-your-writes by log position. Promotions are rare, so the leader fallback costs nothing.",
  },
  "serve-model": {
    routing: boundedStaleness(50),
    reason:
      "Serving is most of the load, so it must stay on followers, and a serving node may run the old version for a " +
      "short while after a promotion: a follower at most 50 ms behind keeps us well inside the 100 ms limit, even " +
      "when one follower is slow. Read-your-writes would not help: serving nodes never write.",
  },
  "list-versions": {
    routing: anyFollower(),
    reason:
      "A dashboard that shows a new version a few milliseconds late harms no one, and dashboards are a third of the " +
      "reads: any follower.",
  },
  "read-audit-log": {
    routing: leaderOnly(),
    reason:
      "An audit must be complete: a missing entry looks like an unlogged change, and the auditor wrote nothing, so no " +
      "session position can tell a follower what to wait for. Audit reads are rare, so the leader can afford them.",
  },
};

/** The read policy for one registry operation. */
export function choosePolicy(operation: RegistryOperation): ReadPolicy {
  return POLICIES[operation];
}

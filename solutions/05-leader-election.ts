/**
 * Exercise 05 — Leader election: reference solution.
 *
 * The rules are those of exercises/05-leader-election.ts. Comparing (epoch, receivedLsn)
 * lexicographically is the "at least as up-to-date" test Raft uses to grant votes; received, not
 * applied, because a promoted follower first replays what it has received.
 */

/** What the coordinator knows about one follower when the leader has failed. */
export interface FollowerState {
  name: string;
  alive: boolean;
  epoch: number;
  receivedLsn: number;
  appliedLsn: number;
  priority: number;
}

/** Returns the name of the follower to promote, or null when no follower can be promoted. */
export function chooseNewLeader(followers: readonly FollowerState[]): string | null {
  let best: FollowerState | null = null;
  for (const candidate of followers) {
    if (!candidate.alive || candidate.priority === 0) continue;
    if (best === null || ranksAbove(candidate, best)) best = candidate;
  }
  return best === null ? null : best.name;
}

/** True when `a` should be promoted rather than `b`. */
function ranksAbove(a: FollowerState, b: FollowerState): boolean {
  if (a.epoch !== b.epoch) return a.epoch > b.epoch;
  if (a.receivedLsn !== b.receivedLsn) return a.receivedLsn > b.receivedLsn;
  if (a.priority !== b.priority) return a.priority > b.priority;
  return a.name < b.name;
}

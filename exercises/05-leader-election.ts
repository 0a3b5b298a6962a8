/**
 * Exercise 05 — Leader election: which follower should be promoted?
 *
 * The leader has crashed. A failure detector noticed, and now something (an operator, a
 * coordinator like ZooKeeper or etcd, or the followers themselves) must choose the follower that
 * becomes the new leader. Choosing badly loses acknowledged writes: a follower that is missing
 * writes the others already hold would make those writes vanish once it leads.
 *
 * Write `chooseNewLeader(followers)`. It returns the name of the follower to promote, or `null`
 * when none can be promoted. The rules, in order:
 *
 * 1. Only a follower that is `alive` can be promoted: a crashed or unreachable one cannot take
 *    over, however complete its log.
 * 2. A follower with `priority` 0 is never promoted (operators use this for delayed or analytics
 *    replicas that must not lead).
 * 3. Among the rest, promote the most up-to-date log. Compare `epoch` first: the epoch of the last
 *    entry a follower received. Log positions from different epochs are not comparable (after an
 *    earlier failover, a deposed leader's extra entries were never part of the newer history), so
 *    a newer epoch outranks a longer log from an older epoch. Within the same epoch, the higher
 *    `receivedLsn` wins: a promoted follower replays everything it has *received*, so what it has
 *    already *applied* does not matter for the choice.
 * 4. Ties (same epoch and receivedLsn) go to the higher `priority`, then to the name that sorts
 *    first (plain string comparison: "A" before "B", "B" before "a").
 * 5. No follower left after rules 1 and 2: return `null`.
 *
 * The input must not be changed, and the answer must not depend on the order of the array.
 * Epochs, log positions and priorities are whole numbers from 0 up to Number.MAX_SAFE_INTEGER: log
 * positions run into the billions on a busy database, and priorities are not limited to one digit.
 */
import { NotImplementedError } from "../lib";

/** What the coordinator knows about one follower when the leader has failed. */
export interface FollowerState {
  /** The follower's name, unique in the cluster, e.g. "A". */
  name: string;
  /** False when the follower is crashed or unreachable. */
  alive: boolean;
  /** The leader epoch (term) of the last log entry this follower received. */
  epoch: number;
  /** The highest log sequence number this follower received (written to its own log). */
  receivedLsn: number;
  /** The highest log sequence number it has applied to its data; never above receivedLsn. */
  appliedLsn: number;
  /** Promotion preference: higher wins ties; 0 means "never promote". */
  priority: number;
}

/** Returns the name of the follower to promote, or null when no follower can be promoted. */
export function chooseNewLeader(followers: readonly FollowerState[]): string | null {
  throw new NotImplementedError(
    "05: chooseNewLeader is not implemented yet: write it in exercises/05-leader-election.ts (replace this throw)",
  );
}

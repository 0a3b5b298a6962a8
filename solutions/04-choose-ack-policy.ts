/**
 * Exercise 04 — Choose the ack policy: reference solution.
 *
 * - ledger: quorum(2). Losing the leader's zone takes L and A, so an acknowledged write must also
 *   be on B or C: two follower copies guarantee it. A answers first, B second, so the second
 *   acknowledgement usually comes from B (p99 about 13 ms); waiting for C as well (syncAll) costs
 *   the cross-region round trip (p99 about 125 ms), and one copy (semiSync) is usually A's, which
 *   dies with the zone. semiSync({ follower: "B" }) also passes, but a dead or slow B would stall
 *   it, while quorum(2) rides over any one slow follower.
 * - metrics: asyncAck(). Any follower round trip is longer than 1 ms, and the loss budget is
 *   generous: at 4,000 writes/s and a few ms of lag, Little's law puts about 10-15 writes at risk
 *   on average. A crash at the worst moment of a run, when one slow entry holds up both followers'
 *   logs at once, exposes more: a median of 30 writes over seeds, over 50 on about one seed in a
 *   thousand, which is why the budget is 100.
 * - accounts: semiSync(), i.e. any one follower. Zero loss needs a copy beyond the leader, but
 *   during maintenance only one follower is up, so waiting for both (syncAll, quorum(2)) or for a
 *   named one stalls every write for 300 ms. A fallback to async would keep latency low, but the
 *   writes acknowledged while degraded are the ones a crash then loses.
 */
import { asyncAck, quorum, semiSync, type AckPolicy } from "../lib";

export type ServiceName = "ledger" | "metrics" | "accounts";

export function chooseAckPolicy(service: ServiceName): AckPolicy {
  switch (service) {
    case "ledger":
      return quorum(2);
    case "metrics":
      return asyncAck();
    case "accounts":
      return semiSync();
  }
}

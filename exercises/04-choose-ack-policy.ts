/**
 * Exercise 04 — Choose the ack policy that meets each service's targets.
 *
 * When does the leader tell a client "committed"? Right after its own commit (`asyncAck()`), or
 * after one follower (`semiSync()`, or `semiSync({ follower: "B" })` for a named one), after any
 * `k` followers (`quorum(k)`), or after all of them (`syncAll()`). Waiting longer costs commit
 * latency; waiting for fewer copies risks losing acknowledged writes when the leader fails. Each
 * service below states what it can afford. Write `chooseAckPolicy(service)`: return, for each of
 * the three, a policy that meets both of its targets. Options (`{ on: "apply" }`,
 * `{ fallbackAfterMs }`, up to a minute: the runs last about a second) are allowed; the grader
 * simulates whatever you return.
 *
 * Every cluster has a leader "L" whose local commit takes 0.1 ms; delays are one way, the same in
 * both directions (leader to follower and back), and "s + Exp(m)" means s ms plus an exponential
 * delay of mean m ms.
 *
 * ## "ledger": payments
 * - Followers: A in the leader's zone, 0.3 ms (Exp, mean 0.3); B in another zone, 2 + Exp(1) ms;
 *   C in another region, 35 + Exp(5) ms.
 * - Load: 2,000 writes/s.
 * - Targets: p99 commit latency at most 20 ms; **no** acknowledged write may be lost when the
 *   leader's whole zone fails, that is when L and A crash at the same moment.
 *
 * ## "metrics": telemetry ingestion
 * - Followers: A and B, each 1 + Exp(1) ms.
 * - Load: 4,000 writes/s.
 * - Targets: p99 commit latency at most 1 ms; a leader crash may lose at most 100 acknowledged
 *   writes (25 ms of data).
 *
 * ## "accounts": user accounts
 * - Followers: A and B, each 0.5 + Exp(0.5) ms. Each follower is taken down for maintenance in
 *   turn: A from 200 to 500 ms, B from 700 to 1000 ms (of a 1.2 s run).
 * - Load: 3,000 writes/s.
 * - Targets: p99 commit latency at most 10 ms, maintenance included (a write that is never
 *   acknowledged counts as infinitely slow); **no** acknowledged write may be lost when the leader
 *   crashes during a maintenance window.
 *
 * ## How it is graded
 * For each service and seed, two simulations of its cluster with your policy:
 * 1. a normal run of 1.2 s: the 99th percentile of commit latency over all writes must meet the
 *    target;
 * 2. a crash run: the leader crashes (in "ledger", together with A; in "accounts", inside one of
 *    the two maintenance windows, from 50 ms after it starts to 50 ms before it ends, when the
 *    follower under maintenance has been down long enough to hold nothing the other lacks) at a
 *    random moment, a failure detector notices within about
 *    50 ms and promotes the most up-to-date surviving follower; the acknowledged writes missing
 *    from the new leader's log (the `lostWrites` checker) must be within the target.
 * Public cases run fixed seeds; hidden ones run secret seeds, so a policy that only just passes on
 * the public seeds may fail there. The loss targets hold for a crash at *any* moment, so the
 * grader also crashes the leader at the moment worst for your policy: it runs your policy without
 * the crash, finds when the most acknowledged writes were on no follower that survives the
 * failure, and crashes just after that acknowledgement. For ledger and accounts it also looks for
 * that moment while the followers that survive the failure are slow for a while, up to the
 * crash (a slow network or disk): no acknowledged write may be lost then either. In ledger, whose zone may fail at any
 * moment, that slow spell and the crash may come anywhere in the 1.2 s run (the crash up to 10 ms
 * before its end). In accounts the crash stays inside a maintenance window, as above, and each
 * follower may be slow while it is the one that would survive: B from A's maintenance until its
 * own, A from just after its maintenance (once it has caught up, with no new writes sent in the
 * meantime, nor perhaps in its last 10 ms down) until B's crash window ends. A fallback that fires in
 * between leaves the leader acknowledging at once until a follower has caught up with its whole
 * log, which a slow follower may not do before the next window. A `fallbackAfterMs` too long to
 * fire before the crash in any of these runs (1.2 s or more always is) is the same as none.
 * Before full marks, a search of crash moments and seeds (the same for the same grading) must
 * find no missed target.
 *
 * @example
 * // Try a policy on the ledger's cluster before you answer (commit latency of a normal run):
 * const both = (d: Dist) => ({ toFollowerMs: d, toLeaderMs: d });
 * const run = simulate({
 *   seed: 1, ack: quorum(2), leaderCommitMs: constant(0.1),
 *   followers: [
 *     { name: "A", ...both(exponential({ meanMs: 0.3 })) },
 *     { name: "B", ...both(shifted(2, exponential({ meanMs: 1 }))) },
 *     { name: "C", ...both(shifted(35, exponential({ meanMs: 5 }))) },
 *   ],
 *   workload: { writesPerSec: 2000, durationMs: 1200 },
 * });
 * summarize(run).commitLatencyMsP99;
 * // Then add faults: [{ node: "A", kind: "crash", fromMs: 600 }], failover: { crashLeader: { atMs: 600 } }
 * // and count lostWrites(run.history).length.
 */
import { NotImplementedError, type AckPolicy } from "../lib";

/** The three services of this exercise. */
export type ServiceName = "ledger" | "metrics" | "accounts";

/** The ack policy for `service`: one that meets both of its targets. */
export function chooseAckPolicy(service: ServiceName): AckPolicy {
  throw new NotImplementedError(
    "04: chooseAckPolicy is not implemented yet: write it in exercises/04-choose-ack-policy.ts (replace this throw)",
  );
}

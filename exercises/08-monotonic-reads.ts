/**
 * Exercise 08 — Monotonic reads: sticky routing that survives a follower crash.
 *
 * Followers lag by different amounts. A client whose reads land on a fast follower, then on a slow
 * one, can see a value and then an older one: a comment appears, and on the next reload it is gone.
 * Monotonic reads forbids that: once a client has seen a value of a key, later reads never show
 * an older one. The usual fix is to keep each client on one follower, which only moves forward.
 * But followers crash, and the client must then move, without going back in time.
 *
 * Write `routeRead(ctx)`. The simulator calls it once for every read (every key of a read) and
 * sends the read where it says. `ctx` (a `ReadContext`, see lib/reads.ts) tells you:
 * - `ctx.followers`: every follower with `up` (false while crashed), `appliedLsn` (the log
 *   position it has applied: a read there sees every write up to it) and `lagMs`;
 * - `ctx.leader`: the leader, which has every write;
 * - `ctx.session`: this client's memory, fresh in every run. `lastReadLsn` is the highest log
 *   position among the writes this client's reads have returned (0 at first); `sticky` is a free
 *   slot where you can keep the follower this client sticks to;
 * - `ctx.random()`: a seeded random number in (0, 1). Use it instead of `Math.random()` so that a
 *   run, and a failing case, replays exactly.
 * Return a node's name, or `{ node, minLsn, ifBehind }`: the node serves the read once it has
 * applied `minLsn`; until then the read goes to the leader (`ifBehind: "leader"`, the default) or
 * waits on that node until it has caught up (`ifBehind: "wait"`).
 *
 * A follower that has applied `lastReadLsn` holds everything this client has seen (a log is
 * applied in order), so moving to it cannot go backwards. Sending a read to a crashed follower is
 * allowed but slow: it times out after 100 ms and is retried on the leader.
 *
 * How it is graded: each case is one simulated run of about two seconds, with 3 or 4 followers
 * (one fast, the others 8 to 60 ms behind), each of which crashes once, sometimes two at a time,
 * and busy clients reading a few hot keys. A run passes when (a) every read gets an answer,
 * (b) `monotonicReads(run.history)` finds no key going backwards for any client, and
 * (c) followers serve at least 50% of the reads (the reference router serves 70-100%).
 * Public cases run fixed seeds, hidden ones secret seeds; each run is one case of partial credit.
 * Keep per-client memory in `ctx.session` (fresh in every run), not in variables outside the
 * function, which would carry over from one run to the next. The session is your router's own:
 * the simulation sets `lastReadLsn` and `lastReadNode` before each call, and what your router
 * writes there changes only what it reads back. Your file runs in a sandbox of its own; the grader
 * replays the same seeded run with your router's decisions and checks the run it rebuilt.
 *
 * @example
 * // Try your router with unequal followers that crash in turn (check("08") in a notebook):
 * const run = simulate({
 *   seed: 1,
 *   followers: [{ toFollowerMs: exponential({ meanMs: 1 }) }, { toFollowerMs: exponential({ meanMs: 20 }) }, { toFollowerMs: exponential({ meanMs: 50 }) }],
 *   workload: { writesPerSec: 1000, writes: 2000, clients: 10, keys: 10 },
 *   reads: { readsPerSec: 2500, routing: routeRead, ownKeyShare: 0 },
 *   faults: [{ node: "A", kind: "crash", fromMs: 400, toMs: 900 }, { node: "B", kind: "crash", fromMs: 1100, toMs: 1500 }],
 * });
 * monotonicReads(run.history).length; // must be 0
 * run.readsServedBy;                  // mostly A, B and C
 */
import { NotImplementedError, type ReadContext, type ReadDecision } from "../lib";

/** Where to send one read so that its client's reads never go back in time; followers whenever safe. */
export function routeRead(ctx: ReadContext): ReadDecision {
  throw new NotImplementedError(
    "08: routeRead is not implemented yet: in exercises/08-monotonic-reads.ts, keep each client on one follower " +
      "(ctx.session.sticky) and, when it is down, move to an up follower whose appliedLsn is at least ctx.session.lastReadLsn",
  );
}

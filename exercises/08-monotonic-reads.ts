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
 * Sending a read to a crashed follower is allowed but slow: it times out after 100 ms and is
 * retried on the leader.
 *
 * The rules:
 * (a) every read gets an answer;
 * (b) no client sees a key go back in time: `monotonicReads(run.history)` finds nothing;
 * (c) followers serve at least 50% of the reads in the seeded runs and the example below (the
 *     reference router serves 70-100%);
 * (d) per-client memory lives in `ctx.session` (fresh in every run), not in variables outside the
 *     function, which would carry over from one run to the next; randomness comes from
 *     `ctx.random()` only. The session is your router's own: the simulation sets `lastReadLsn`
 *     and `lastReadNode` before each call, and what your router writes there changes only what
 *     it reads back.
 *
 * How it is graded: each case is a simulated run, routed with your file freshly loaded (so one
 * case never depends on another, and a replay shows what grading saw):
 * - the example below;
 * - hand-made scenes for one client, alice, reading a key a writer keeps updating: the follower
 *   your router chose for her first read is the fast one, and it crashes at the worst moment
 *   (it comes back behind what she has since seen on the leader, before any other follower has
 *   caught up, then falls far behind while she reads a post and its comments as one page,
 *   pausing ever longer between reads; it comes back a single write, to her key, behind what she
 *   saw; it never comes back; the next follower crashes too, and hers, back first and slower,
 *   passes it; every follower goes down; it never comes back while the next trails what she saw
 *   by a single write; it crashes with her read in flight, which the leader answers 100 ms
 *   later, newer than the follower she has moved to, and she reads just as that answer is sent
 *   and once it has reached her (once more with her reading nothing for the 33 ms before that
 *   answer reaches her); it comes back 0.15 ms after a write she read on the leader, while she
 *   reads every 0.1 ms; in most scenes she reads twice more a second after the writer's last
 *   write); and, without a crash, pages of eight keys read by sixteen clients
 *   (alice among them) while the followers stay behind: the one your router sent her second page
 *   to 80 ms, the others 1 and 40 ms (a page's keys are routed one by one);
 * - seeded runs of about two seconds, with 3 or 4 followers (one fast, the others 8 to 60 ms
 *   behind), each of which crashes once, sometimes two at a time, and busy clients reading a few
 *   hot keys (public seeds, whose failures are shown shrunk: fewer crashes, clients and keys;
 *   and hidden seeds);
 * - rule (d): two runs, each routed three times: twice with the file freshly loaded (the
 *   decisions must be the same), then once more each, one after the other, without reloading it
 *   after the other run (still the same as freshly loaded);
 * - before full marks, a search of 25 small runs (2-3 followers, 1-3 crashes, 1-6 clients)
 *   drawn from the grading secret; a failure it finds is shrunk to a small run before it is shown.
 * Each run is one case of partial credit. Your file runs in a sandbox of its own; the grader
 * replays the same seeded run with your router's decisions and checks the run it rebuilt. A
 * router may draw at most 1,000 numbers from `ctx.random()` for one read.
 *
 * @example
 * // Try your router with unequal followers that crash in turn. In a notebook, load your file
 * // first with `const { routeRead } = await tryExercise("08");`, then run this; `await check("08")`
 * // grades it.
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
    "08: routeRead is not implemented yet: write it in exercises/08-monotonic-reads.ts (replace this throw)",
  );
}

/**
 * Exercise 01 — Read-your-writes for profile edits, while still reading from replicas.
 *
 * A user saves a new bio and reloads their profile page. The save went to the leader; the reload
 * may be served by a follower that has not applied it yet, and the old bio comes back as if the
 * edit was lost. Sending every read to the leader fixes that, but then the followers are idle and
 * the leader carries the whole read load. Write the read router that does both: every client
 * always sees their own acknowledged writes, and followers still serve most reads.
 *
 * Write `routeRead(ctx)`. The simulator calls it once for every read (every key of a read) and
 * sends the read where it says. `ctx` (a `ReadContext`, see lib/reads.ts) tells you:
 * - `ctx.leader`: the leader as this client knows it;
 * - `ctx.followers`: every other node with `up` (false while crashed), `appliedLsn` (the log
 *   position it has applied: a read there sees every write up to that position) and `lagMs`;
 * - `ctx.session.lastWriteLsn`: the log position (LSN) of this client's last acknowledged write,
 *   0 if it has none yet; `ctx.session` also has `lastReadLsn`, `lastReadNode` and a free slot;
 * - `ctx.random()`: a seeded random number in (0, 1). Use it instead of `Math.random()` so that a
 *   run, and a failing case, replays exactly.
 * Return a node's name (`ctx.leader` or a follower's `name`), or `{ node, minLsn, ifBehind }`:
 * the node serves the read once it has applied `minLsn`; until then the read goes to the leader
 * (`ifBehind: "leader"`, the default) or waits there (`ifBehind: "wait"`).
 *
 * How it is graded: your router runs in four workloads, on several seeds each (hidden seeds too):
 * 1. profile edits: users save a new bio and reload at once, over background writes and reads;
 * 2. busy clients: clients write and mostly read back the keys they just wrote;
 * 3. a slow follower: the same, while one follower is 10-30 times slower for half the run;
 * 4. a failover: the same, while the leader crashes and a follower takes over (acknowledgements
 *    are semi-synchronous there, so the new leader has every acknowledged write; until a client
 *    learns of the new leader, `ctx.leader` still names the dead one, and a read sent there is
 *    retried after a 100 ms timeout).
 * A run passes when (a) every read gets an answer, (b) no read misses its own client's
 * acknowledged write (`readYourWritesViolations(run.history)` finds nothing), and (c) followers
 * serve at least 60% of all reads (the reference router serves 80-99%). Each run is one case of
 * partial credit; a failing case shows the rule, the operations involved and a replay command.
 *
 * Keep any per-client memory in `ctx.session` (it starts fresh in every run), not in variables
 * outside the function, which would carry over from one run to the next. The session is your
 * router's own: before each call the simulation sets its `lastWriteLsn`, `lastReadLsn` and
 * `lastReadNode`, and what your router writes there changes only what it reads back.
 *
 * Your file runs in a sandbox of its own, next to the simulation; the grader records what your
 * router decides (and how many numbers it draws from `ctx.random()`), replays the same seeded run
 * with those decisions and checks the run it rebuilt. Call `ctx.random()` only while deciding.
 *
 * @example
 * // Try your router on a busy cluster before checking it (check("01") in a notebook):
 * const run = simulate({
 *   seed: 1, followers: 3, network: { oneWayMs: exponential({ meanMs: 2 }) },
 *   workload: { writesPerSec: 800, writes: 2000, clients: 20 },
 *   reads: { readsPerSec: 1600, routing: routeRead, ownKeyShare: 0.8 },
 * });
 * readYourWritesViolations(run.history).length; // must be 0
 * run.readsServedBy;                             // { L: …, A: …, B: …, C: … }: mostly followers
 */
import { NotImplementedError, type ReadContext, type ReadDecision } from "../lib";

/** Where to send one read so that its client sees their own writes; followers whenever safe. */
export function routeRead(ctx: ReadContext): ReadDecision {
  throw new NotImplementedError(
    "01: routeRead is not implemented yet: in exercises/01-read-your-writes.ts, send the read to a follower that has " +
      "applied the client's last write (ctx.session.lastWriteLsn), and to the leader only when none has",
  );
}

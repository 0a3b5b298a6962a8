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
 *   which nodes it lists, and in what order, changes when this client learns of a new leader;
 * - `ctx.session.lastWriteLsn`: the log position (LSN) of this client's last acknowledged write,
 *   0 if it has none yet; `ctx.session` also has `lastReadLsn`, `lastReadNode` and a free slot;
 * - `ctx.random()`: a seeded random number in (0, 1). Use it instead of `Math.random()` so that a
 *   run, and a failing case, replays exactly.
 * Return a node's name (`ctx.leader` or a follower's `name`), or `{ node, minLsn, ifBehind }`:
 * the node serves the read once it has applied `minLsn`; until then the read goes to the leader
 * (`ifBehind: "leader"`, the default) or waits there (`ifBehind: "wait"`).
 *
 * The rules:
 * (a) every read gets an answer;
 * (b) no read misses its own client's acknowledged write: `readYourWritesViolations(run.history)`
 *     finds nothing;
 * (c) followers serve at least 60% of all reads in the workloads and the example below (the
 *     reference router serves 80-99%);
 * (d) per-client memory lives in `ctx.session` (it starts fresh in every run), not in variables
 *     outside the function, which would carry over from one run to the next; randomness comes
 *     from `ctx.random()` only. The session is your router's own: before each call the simulation
 *     sets its `lastWriteLsn`, `lastReadLsn` and `lastReadNode`, and what your router writes
 *     there changes only what it reads back.
 *
 * How it is graded: each case is a simulated run, routed with your file freshly loaded (so one
 * case never depends on another, and a replay shows what grading saw):
 * - the example below;
 * - scenes around one client, alice, who saves a new bio and reloads it 0, 1, 3, 10, 30, 100 and
 *   250 ms after the save is acknowledged: every follower falls behind just as she saves; the
 *   first follower your router picks for a reload is the one that falls behind; every follower
 *   stays 3 s behind the save while she reloads 0.5 s to 2.99 s after it, and another time half
 *   an hour behind while she reloads every millisecond for a second, then ever more rarely over
 *   that half hour; a read she sent just before the save is held by the follower it went to,
 *   paused, and answered after her first reloads, by a follower that lacks the save
 *   (`lastReadNode` is the node of the read answered last, not of her newest read); the leader
 *   crashes just after acknowledging her save (semi-synchronous acknowledgements);
 * - four workloads, on several seeds each (public seeds, whose failures are shown shrunk: fewer
 *   writes, clients, keys and faults; and hidden seeds):
 *   1. profile edits: users save a new bio and reload at once, over background writes and reads;
 *   2. busy clients: clients write and mostly read back the keys they just wrote;
 *   3. a slow follower: the same, while one follower is 10-30 times slower for half the run;
 *   4. a failover: the same, while the leader crashes and a follower takes over (acknowledgements
 *      are semi-synchronous there, so the new leader has every acknowledged write; until a client
 *      learns of the new leader, `ctx.leader` still names the dead one, and a read sent there is
 *      retried after a 100 ms timeout);
 * - rule (d): two runs, each routed three times: twice with the file freshly loaded (the
 *   decisions must be the same), then once more each, one after the other, without reloading it
 *   after the other run (still the same as freshly loaded);
 * - before full marks, a search of 25 small runs (2-3 followers, some slowed for a while,
 *   sometimes a failover) drawn from the grading secret; a failure it finds is shrunk to a small
 *   run before it is shown.
 * Each run is one case of partial credit; a failing case shows the rule, the operations involved
 * and a replay command.
 *
 * Your file runs in a sandbox of its own, next to the simulation; the grader records what your
 * router decides (and how many numbers it draws from `ctx.random()`), replays the same seeded run
 * with those decisions and checks the run it rebuilt. Call `ctx.random()` only while deciding,
 * and at most 1,000 times for one read.
 *
 * @example
 * // Try your router on a busy cluster before checking it. In a notebook, load your file first
 * // with `const { routeRead } = await tryExercise("01");` (a notebook cannot import it), then
 * // run this; `await check("01")` grades it.
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
    "01: routeRead is not implemented yet: write it in exercises/01-read-your-writes.ts (replace this throw)",
  );
}

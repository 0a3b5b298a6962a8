/**
 * Exercise 03 — Follower reads for a model registry: which reads may a follower serve?
 *
 * A model registry keeps, for each model, its registered versions, a pointer to the version in
 * production, and an audit log. Its reads are not all alike: some must reflect a write that just
 * happened, some may be a little old, some must be complete. Sending every read to the leader is
 * always fresh but makes the leader carry the whole read load; sending every read to any follower
 * is cheap but sometimes wrong. Choose, for each operation, where its reads go, and say why.
 *
 * The operations (each read carries its operation as `ctx.purpose`):
 * - "register-version": a data scientist registers a new version, then at once reads its record
 *   back (to attach metrics to it).
 * - "promote": a release engineer points production at a version, then at once reads the
 *   production pointer back to confirm it.
 * - "serve-model": each of 10-16 serving nodes reads the production pointer every ~10 ms to know
 *   which version to load. This is most of the registry's reads (60-70%).
 * - "list-versions": dashboards list the registered versions every ~8 ms (30-40% of reads).
 * - "read-audit-log": an auditor reads the audit log (who registered and promoted what) every
 *   ~40 ms (about 1% of reads).
 *
 * Write `choosePolicy(operation)`: return `{ routing, reason }`.
 * - `routing` is a read routing from the library — `leaderOnly()`, `anyFollower()`,
 *   `stickyFollower()`, `readYourWrites()` (or `readYourWrites({ ifBehind: "wait" })`),
 *   `boundedStaleness(maxLagMs)` — or your own router function `(ctx: ReadContext) => ReadDecision`
 *   (see lib/reads.ts). It routes only that operation's reads.
 * - `reason` says, in a sentence or two, why this operation may or may not read from followers.
 *   It is not scored automatically; it is kept with your results for a human grader, so write it
 *   for a person. At least five words.
 *
 * How it is graded: the registry of one model is simulated for 2 s over a busy database (other
 * models' writes), with 3 followers 1-3 ms behind on average, one of which turns 25-50 times
 * slower for most of a second; versions are registered every ~100 ms and promoted every ~250 ms.
 * Each run must keep these invariants:
 * 1. whoever registers a version reads it back at once (no read-your-writes violation);
 * 2. whoever promotes a version sees it in production at once (no read-your-writes violation);
 * 3. no serving node loads a version more than 100 ms after it was demoted: a serve read that
 *    begins at t sees the pointer set by the newest promotion acknowledged by t - 100 ms, or a
 *    newer one;
 * 4. an audit read shows every audit entry acknowledged before the read began;
 * 5. (dashboards may show a slightly old list: no rule of their own)
 * and a budget: the leader serves at most 15% of the registry's reads, so "leader for everything"
 * does not pass. Public tests check each invariant and the budget on fixed seeds; a hidden test
 * checks all of them together on secret seeds. Another test checks that each reason is given.
 * The invariants hold whatever the followers do, so some runs replace the slow spell with one, two
 * or all three followers trailing the leader by a constant delay chosen against your serving
 * policy (for a staleness bound, a delay the bound lets through if it is looser than the
 * invariant; for a router of your own, 150 ms, or just over 100 ms), with serve reads just over
 * 100 ms after each promotion. When all three trail, they keep up until just before the second promotion, more
 * serving nodes join just after it, and serving has to use the leader, so the budget is not checked in that run. When
 * two trail, the third is 3 ms behind on average on a busy database. In every run the auditor also reads the log just after each audit entry is acknowledged.
 * Before full marks a search of runs (the same for the same grading) must find no broken invariant.
 * A library routing is data the grader compiles itself; a router function of your own runs in
 * your file's sandbox, next to the simulation, and the grader replays its decisions (see
 * exercise 01). Each graded run loads your file afresh. A router keeps what it remembers about a
 * client in `ctx.session` (and draws from `ctx.random()`): one test routes the same run twice in a
 * row in one loaded file, and again after a short run, and fails a router that decides differently
 * there, because it kept state elsewhere (a variable outside the function, a round-robin counter)
 * that would leak into the next run.
 */
import { NotImplementedError, type ReadRouting } from "../lib";

/** The registry's operations: the `purpose` of their reads. */
export type RegistryOperation = "register-version" | "promote" | "serve-model" | "list-versions" | "read-audit-log";

/** Where one operation's reads go, and why. */
export interface ReadPolicy {
  /** A library routing policy, or your own router function. */
  routing: ReadRouting;
  /** Why this operation may (or may not) read from followers: for a human grader. */
  reason: string;
}

/** The read policy for one registry operation. */
export function choosePolicy(operation: RegistryOperation): ReadPolicy {
  throw new NotImplementedError(
    "03: choosePolicy is not implemented yet: write it in exercises/03-model-registry.ts (replace this throw)",
  );
}

/**
 * The search a submission must survive before it scores full marks, and the shrinking of what it
 * finds.
 *
 *   graded({ name: "a search of 40 fault timings finds no …", points: 2, visibility: "public", caseTimeoutMs: 10_000 }, async (c) => {
 *     await c.each(c.searchSeeds(1), (seed, record) => hunt(seed, { space, first, tries: 40, shrinkTries: 30, judge }, record));
 *   });
 *
 * A search is fast-check's: `space` is an arbitrary of candidate cases (fault timings, clusters,
 * token streams) built so that its shrinking makes a case smaller in the ways that matter (fewer
 * operations, fewer nodes, the fault alone); `first` are the worst cases known in advance, tried
 * before the random ones; `judge` asks the submission and checks its answer. The budget is a
 * number of candidates, never a time: the same seed tries the same candidates in the same order
 * on any machine, so a grading's search is deterministic under its secret, and `npm run replay --
 * NN --seed S` repeats it exactly. Once a candidate fails, fast-check shrinks it, spending at most
 * `shrinkTries` more judgements; the smallest failing case is judged once more with the real
 * recorder, so that what feedback shows (and what `--draw` draws) is that case and its own run.
 *
 * A candidate whose judging throws the submission's own error (it threw, or its router's log did
 * not fit the run) counts as a failure and is shrunk like any other; running out of time, or a
 * sandbox that died, ends the search and fails the case with that reason.
 */
import fc from "fast-check";
import type { Recorder, Verdict, Violation } from "../graded";
import { CaseTimeout, SandboxFailure } from "../student";

export interface Hunt<T> {
  /** The candidates, as a fast-check arbitrary whose shrinking makes a case smaller. */
  space: fc.Arbitrary<T>;
  /** Worst cases known in advance (built from the answer's own parameters): tried first, counted in `tries`. */
  first?: readonly T[];
  /** Candidates judged in all (each costs the submission a call or a routed run): the search's budget. */
  tries: number;
  /** Judgements the shrinking of a found case may spend. */
  shrinkTries: number;
  /** The rule `candidate` breaks, or null. May record values (they are shown for the final case only). */
  judge(candidate: T, record: Recorder): Verdict | Promise<Verdict>;
  /** What the candidate is, in a few words, for feedback ("a pause of 150 ms from 399.9 ms"). */
  describe?(candidate: T): unknown;
}

/** What a search did, for feedback: how far it went and how much the case shrank. */
export interface HuntReport {
  tried: number;
  foundAt?: number;
  shrinkSteps?: number;
}

const silent: Recorder = () => {};

/** Errors that end a search instead of counting as a failing candidate. */
function stopsTheSearch(error: unknown): boolean {
  return error instanceof CaseTimeout || error instanceof SandboxFailure;
}

/**
 * Searches `h.space` (the `first` cases, then random ones from `seed`) for a candidate the
 * submission fails, shrinks it, and returns the smallest one's violation, or null when `h.tries`
 * candidates all passed.
 */
export async function hunt<T>(seed: number, h: Hunt<T>, record: Recorder): Promise<Violation | null> {
  const first = h.first ?? [];
  const report: HuntReport = { tried: 0 };
  const found = await search(h, { seed, numRuns: Math.max(h.tries, first.length), examples: first.map((x) => [x] as [T]) }, report);
  record("search", `${report.tried} candidate(s) tried (seed ${seed})${report.foundAt === undefined ? "" : `; the first failure at candidate ${report.foundAt}, shrunk in ${report.shrinkSteps} step(s)`}`);
  if (found === undefined) return null;
  return finalJudgement(h, found, record);
}

/**
 * Shrinks a case already known to fail (`found`, a value of `h.space`) and returns the smallest
 * failing case's violation, judged with `record`; null when `found` no longer fails.
 */
export async function shrinkFound<T>(found: T, h: Pick<Hunt<T>, "space" | "shrinkTries" | "judge" | "describe">, record: Recorder): Promise<Violation | null> {
  const report: HuntReport = { tried: 0 };
  const smallest = await search({ ...h, tries: 1 }, { seed: 0, numRuns: 1, examples: [[found]] }, report);
  if (smallest === undefined) return null;
  if (report.shrinkSteps) record("shrunk", `in ${report.shrinkSteps} step(s), from the case as generated`);
  return finalJudgement(h, smallest, record);
}

/** Candidates judged at once before the search proper (their questions share round trips). */
const JUDGED_AT_ONCE = 64;

type Known = { failed: boolean } | { stop: unknown };

/**
 * Runs fast-check's search. The candidates it tries, in order, do not depend on the verdicts
 * until one fails, so they are generated first and judged several at a time (their questions to
 * the submission go together, student.ts), a chunk after another until one fails. fast-check
 * then runs with those verdicts, finds the same first failure, and shrinks it, judging each
 * smaller candidate as it comes. The outcome is the one judging every candidate in turn gives.
 */
async function search<T>(h: Hunt<T>, params: { seed: number; numRuns: number; examples: [T][] }, report: HuntReport): Promise<T | undefined> {
  const candidates: T[] = [];
  fc.check(
    fc.property(h.space, (candidate) => {
      candidates.push(candidate);
      return true;
    }),
    params,
  );
  const known: Known[] = [];
  const judgeOnce = async (candidate: T): Promise<Known> => {
    try {
      return { failed: Boolean(await h.judge(candidate, silent)) };
    } catch (error) {
      return stopsTheSearch(error) ? { stop: error } : { failed: true };
    }
  };
  for (let at = 0; at < candidates.length && !known.some((k) => !("failed" in k) || k.failed); at += JUDGED_AT_ONCE) {
    known.push(...(await Promise.all(candidates.slice(at, at + JUDGED_AT_ONCE).map(judgeOnce))));
  }

  let stopped: unknown;
  let shrinking = false;
  let shrinkSteps = 0;
  let next = 0;
  const property = fc.asyncProperty(h.space, async (candidate) => {
    if (stopped !== undefined) return true;
    let failed: boolean;
    if (shrinking) {
      // Past the shrinking budget every smaller candidate "passes": fast-check keeps the smallest failing one found.
      if (shrinkSteps >= h.shrinkTries) return true;
      shrinkSteps++;
      const verdict = await judgeOnce(candidate);
      if ("stop" in verdict) {
        stopped = verdict.stop;
        return true;
      }
      failed = verdict.failed;
    } else {
      report.tried++;
      const verdict = known[next++] ?? (await judgeOnce(candidate));
      if ("stop" in verdict) {
        stopped = verdict.stop;
        return true;
      }
      failed = verdict.failed;
      if (failed) {
        shrinking = true;
        report.foundAt = report.tried;
      }
    }
    return !failed;
  });
  const out = await fc.check(property, params);
  if (stopped !== undefined) throw stopped;
  report.shrinkSteps = shrinkSteps;
  if (!out.failed || out.counterexample === null) return undefined;
  return out.counterexample[0];
}

/**
 * Judges the case that will be shown with the real recorder; a student's error fails the case as
 * itself. A case that failed a moment ago and passes now says so: the answers then depend on
 * something besides the question (Math.random, the clock, state kept between calls).
 */
async function finalJudgement<T>(h: Pick<Hunt<T>, "judge" | "describe">, candidate: T, record: Recorder): Promise<Violation | null> {
  if (h.describe) record("case", h.describe(candidate));
  const verdict = await h.judge(candidate, record);
  if (verdict) return verdict;
  return {
    rule: "the same question gets the same answer",
    details:
      "this case failed when the search asked it, and passed when it was asked again: the answer depends on something " +
      "besides its input (Math.random(), the clock, or state kept between calls)",
    involved: h.describe ? h.describe(candidate) : candidate,
  };
}

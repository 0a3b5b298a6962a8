/**
 * The body of an exercise's search test, the same in every exercise:
 *
 *   graded({ name: "a search of 150 small clusters … finds no broken rule", points: 2, visibility: "public", caseTimeoutMs: 10_000 },
 *     searchTest((seed) => electionSearch(answer, 150)));
 *
 * One case, on `c.searchSeeds(1)` (a seed from the grading secret, or the fixed public one when
 * only public tests run, or the one asked for when replaying), that runs `hunt()` over the search
 * `build(seed)` returns. `build` may ask the submission first (the policies or the setting the
 * search is built from): when that answer already breaks a rule it returns the violation, which
 * fails the case without searching; when asking throws, the case fails with the error.
 *
 * A search whose candidates are whole runs (a seed and a moment) can add `shrinkShown`: after the
 * search found and fast-check shrank a failing candidate, it reduces that candidate's run in ways
 * the candidate space does not know (fewer writes, the fault alone); what it returns and records
 * replaces what the case shows, and when it returns null the case is shown as found.
 */
import type { GradedContext, Recorder, Violation } from "../graded";
import { hunt, type Hunt } from "./hunt";

export interface ShownSearch<T> extends Hunt<T> {
  shrinkShown?(candidate: T, record: Recorder): Promise<Violation | null>;
}

export function searchTest<T>(build: (seed: number) => ShownSearch<T> | Violation | Promise<ShownSearch<T> | Violation>): (c: GradedContext) => Promise<void> {
  return async (c) => {
    await c.each(c.searchSeeds(1), async (seed, record) => {
      const search = await build(seed);
      if ("rule" in search) return search;
      const shrinkShown = search.shrinkShown;
      if (!shrinkShown) return hunt(seed, search, record);
      // hunt() judges the case it shows last: remember it.
      let last: { candidate: T } | undefined;
      const found = await hunt(seed, { ...search, judge: (candidate, r) => ((last = { candidate }), search.judge(candidate, r)) }, record);
      if (!found || !last) return found;
      return (await shrinkShown(last.candidate, record)) ?? found;
    });
  };
}

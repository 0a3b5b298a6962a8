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
 */
import type { GradedContext, Violation } from "../graded";
import { hunt, type Hunt } from "./hunt";

export function searchTest<T>(build: (seed: number) => Hunt<T> | Violation | Promise<Hunt<T> | Violation>): (c: GradedContext) => Promise<void> {
  return async (c) => {
    await c.each(c.searchSeeds(1), async (seed, record) => {
      const search = await build(seed);
      return "rule" in search ? search : hunt(seed, search, record);
    });
  };
}

import { describe, expect, it } from "vitest";
import { nextBudgetCheck } from "./loop";
import { MEMORY_CHECK_EVERY } from "./world";

/**
 * What the loop checked at every event before the two checks shared a comparison, plus the early
 * memory checks (counts one less than a power of two, below 65,535), which only estimate.
 */
function due(count: number, maxEvents: number): boolean {
  return count === maxEvents || (count & MEMORY_CHECK_EVERY) === MEMORY_CHECK_EVERY || (count < MEMORY_CHECK_EVERY && (count & (count + 1)) === 0);
}

describe("the event loop's budget check", () => {
  it("falls due at exactly the counts where the event limit or a memory check is due", () => {
    for (const maxEvents of [0, 1, 5, 65_534, 65_535, 65_536, 200_000, 1e8, 2 ** 33 + 7]) {
      const starts = [0, 1, 2, 3, 4, 1000, 32_767, 32_768, 65_534, 65_535, 65_536, 131_071, maxEvents - 3, maxEvents, 2 ** 32 - 2].filter((s) => s >= 0 && s <= maxEvents);
      for (const from of starts) {
        let expected = from;
        while (!due(expected, maxEvents)) expected++;
        expect(nextBudgetCheck(from, maxEvents), `from ${from}, maxEvents ${maxEvents}`).toBe(expected);
      }
    }
  });
});

/**
 * Cases added for exercises 07 and 01 against answers that had full marks:
 * - 07: a spike well longer than the pause with a tight budget (the hand-made link and the aimed
 *   kind `SPIKE_TIGHT_LINK`) fails a setting whose silence counts the spike without the interval
 *   before it, on every link of that kind; the reference and the alternatives pass them all.
 */
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { AIMED_PROFILES, aimedProfile, checkSetting, HAND_MADE_LINKS, judgeMoment, worstMoments, type LinkProfile } from "../exercises/07-detector-timeout.support";

const root = join(__dirname, "..", "..");

describe("07: a spike longer than the pause, with a tight budget", () => {
  const link = HAND_MADE_LINKS.find((k) => k.label === "a spike longer than any pause, with a tight outage budget")!.profile;
  const spikeKind = AIMED_PROFILES.length - 1;
  const seeds = Array.from({ length: 40 }, (_, i) => i * AIMED_PROFILES.length + spikeKind);
  const fails = async (file: string) => {
    const { chooseDetector } = (await import(file)) as { chooseDetector(p: LinkProfile): unknown };
    return (p: LinkProfile): boolean => {
      const setting = chooseDetector(p);
      if (checkSetting(p, setting)) return true;
      return worstMoments(p).some((m) => judgeMoment(p, setting as never, m, () => {}) !== null);
    };
  };
  const right = [
    "solutions/07-detector-timeout.ts",
    "grader/alternatives/07-detector-timeout/latest-safe-timeout.ts",
    "grader/alternatives/07-detector-timeout/silence-plus-margin.ts",
  ];

  test("the aimed kind is the spike's: the spike is longer than the pause, 4 typical delays and an interval together", () => {
    for (const seed of seeds) {
      const p = aimedProfile(seed);
      expect(p.spikeDelayMs, `seed ${seed}`).toBeGreaterThan(p.gcPauseMs + 4 * p.typicalDelayMs + 1000 / p.heartbeatsPerSecMax);
    }
  });

  test("the variant forgetting the interval behind a spike fails the hand-made link and every link of the aimed kind", async () => {
    const fail = await fails(join(root, "grader/variants/07-detector-timeout/spike-without-interval.ts"));
    expect(fail(link)).toBe(true);
    expect(seeds.filter((seed) => !fail(aimedProfile(seed)))).toEqual([]);
  });

  test.each(right)("%s passes the hand-made link and every link of the aimed kind", async (file) => {
    const fail = await fails(join(root, file));
    expect(fail(link)).toBe(false);
    expect(seeds.filter((seed) => fail(aimedProfile(seed)))).toEqual([]);
  });
});

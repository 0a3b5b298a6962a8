/**
 * Cases added for exercise 07 against answers that had full marks:
 * - 07: the hand-made link with a short spike on a slow link and a band narrower than a typical
 *   delay, and the aimed kind `SHORT_SPIKE_SLOW_LINK`, fail a silence that adds a typical delay
 *   to the spike (the middle of the band is then past the latest timeout) and a fixed margin of
 *   5 ms, on every link; no other hand-made link failed either. The reference and the
 *   alternatives pass them all.
 */
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { AIMED_PROFILES, aimedProfile, checkSetting, HAND_MADE_LINKS, judgeMoment, worstMoments, type LinkProfile } from "../exercises/07-detector-timeout.support";

const root = join(__dirname, "..", "..");

describe("07: a short spike on a slow link, with a band narrower than a typical delay", () => {
  const label = "a short spike on a slow link, with a band narrower than a typical delay";
  const link = HAND_MADE_LINKS.find((k) => k.label === label)!.profile;
  const others = HAND_MADE_LINKS.filter((k) => k.label !== label).map((k) => k.profile);
  // The kind just before the last (the last is `SPIKE_TIGHT_LINK`).
  const kind = AIMED_PROFILES.length - 2;
  const seeds = Array.from({ length: 24 }, (_, i) => i * AIMED_PROFILES.length + kind);
  const longestSilenceMs = (p: LinkProfile) => Math.max(p.spikeDelayMs, p.gcPauseMs + 4 * p.typicalDelayMs) + 1000 / p.heartbeatsPerSecMax;
  const bandMs = (p: LinkProfile) => p.outageBudgetMs - 4 * p.typicalDelayMs - longestSilenceMs(p);
  const fails = async (file: string) => {
    const { chooseDetector } = (await import(join(root, file))) as { chooseDetector(p: LinkProfile): unknown };
    return (p: LinkProfile): boolean => {
      const setting = chooseDetector(p);
      if (checkSetting(p, setting)) return true;
      return worstMoments(p).some((m) => judgeMoment(p, setting as never, m, () => {}) !== null);
    };
  };

  test("the aimed kind's links: the spike at least the pause and the slowest delay after waking, a band under 5 ms and a typical delay, at least a tenth of the silence", () => {
    for (const p of [link, ...seeds.map(aimedProfile)]) {
      expect(p.spikeDelayMs, JSON.stringify(p)).toBeGreaterThanOrEqual(p.gcPauseMs + 4 * p.typicalDelayMs);
      expect(bandMs(p), JSON.stringify(p)).toBeLessThan(Math.min(5, p.typicalDelayMs));
      expect(bandMs(p), JSON.stringify(p)).toBeGreaterThanOrEqual(0.1 * longestSilenceMs(p) - 1e-9);
    }
  });

  test.each(["grader/variants/07-detector-timeout/spike-plus-typical-delay.ts", "grader/variants/07-detector-timeout/silence-plus-five.ts"])(
    "%s fails the hand-made link and every link of the aimed kind, and no other hand-made link",
    async (file) => {
      const fail = await fails(file);
      expect(fail(link)).toBe(true);
      expect(seeds.filter((seed) => !fail(aimedProfile(seed)))).toEqual([]);
      expect(others.filter(fail)).toEqual([]);
    },
  );

  test.each([
    "solutions/07-detector-timeout.ts",
    "grader/alternatives/07-detector-timeout/latest-safe-timeout.ts",
    "grader/alternatives/07-detector-timeout/silence-plus-margin.ts",
  ])("%s passes the hand-made link and every link of the aimed kind", async (file) => {
    const fail = await fails(file);
    expect(fail(link)).toBe(false);
    expect(seeds.filter((seed) => fail(aimedProfile(seed)))).toEqual([]);
  });
});

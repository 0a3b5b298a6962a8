/**
 * Cases added for exercise 07 against answers that had full marks.
 *
 * A long pause, many heartbeats a second and a tight budget (the hand-made link, and the aimed kind
 * `MANY_BEATS_TIGHT_LINK`): heartbeats every tenth of the timeout, slower than the budget needs,
 * while the silence counts the budget's interval, leave the middle of the band below the real
 * silence. Every link drawn before had an interval over a tenth of the timeout or a wide band, and
 * such a setting had full marks under every secret.
 *
 * The public fast link with a band of 1.1 ms whose middle is just over a whole ms (`FAST_LINKS`),
 * and the aimed kind
 * `wholeMsLink` (fast links with a band of 1.1 ms and a silence 0.64-0.84 ms over a whole ms).
 * Every band drawn before was at least 1.2 ms wide, and every public link's middle was far enough
 * over a whole ms that rounding it up stayed within the band, so a timeout rounded up to whole ms
 * (the middle of the band, or 5% on the silence) failed only some links of the fast kind with a
 * short pause, under some secrets, and fixed margins of 1.2 ms on the silence or under the latest
 * timeout had full marks under every secret. Each fails the new link (in the public worst-moment
 * test, and among the search's first candidates) and every link of the new kind now, so under
 * every secret; the reference and the alternatives pass them all.
 */
import { describe, expect, test } from "vitest";
import { AIMED_PROFILES, aimedProfile, detectorSearch, FAST_LINKS, HAND_MADE_LINKS, judgeMoment, longestSilenceMs, PUBLIC_LINKS, type LinkProfile } from "../exercises/07-detector-timeout.support";
import { detectorFails, rightAnswers, variant } from "../fixtures/answers";

const EXERCISE = "07-detector-timeout";
const LABEL = "a fast link with a band of 1.1 ms whose middle is just over a whole ms";
const link = FAST_LINKS.find((k) => k.label === LABEL)!.profile;
const others = PUBLIC_LINKS.filter((k) => k.label !== LABEL);
// The whole-ms kind comes just before the two fast kinds (`SHORT_PAUSE_FAST_LINK`, `SHORT_SPIKE_FAST_LINK`), the many-beats kind before it.
const KIND = AIMED_PROFILES.length - 5;
const MANY_BEATS_KIND = AIMED_PROFILES.length - 6;
const SHORT_PAUSE_FAST_KIND = AIMED_PROFILES.length - 4;
const seedsOf = (kind: number) => Array.from({ length: 40 }, (_, i) => i * AIMED_PROFILES.length + kind);
const latestMs = (p: LinkProfile) => p.outageBudgetMs - 4 * p.typicalDelayMs;
const bandMs = (p: LinkProfile) => latestMs(p) - longestSilenceMs(p);
const middleMs = (p: LinkProfile) => (longestSilenceMs(p) + latestMs(p)) / 2;

describe("07: fast links with a band of 1.1 ms whose middle is just over a whole ms", () => {
  test("the link and the kind: delays under a millisecond, a band of a tenth of the silence and 1-1.2 ms, the middle and 5% on the silence rounded up past the latest", () => {
    for (const p of [link, ...seedsOf(KIND).map(aimedProfile)]) {
      const at = JSON.stringify(p);
      const silenceMs = longestSilenceMs(p);
      expect(p.typicalDelayMs, at).toBeLessThan(1);
      expect(bandMs(p), at).toBeGreaterThanOrEqual(Math.max(1, 0.1 * silenceMs));
      expect(bandMs(p), at).toBeLessThan(1.2);
      expect(Math.ceil(middleMs(p)), at).toBeGreaterThan(latestMs(p));
      expect(Math.ceil(1.05 * silenceMs), at).toBeGreaterThan(latestMs(p));
    }
    for (const p of seedsOf(KIND).map(aimedProfile)) {
      // Three intervals, and 20% on the pause, are below the silence but above an interval and 4 typical delays: the older
      // variants that take them fail this kind at the pause's worst moment on every link, and never over a live leader in a
      // random run (its longest calm silence), nor a crash.
      const calmSilenceMs = 1000 / p.heartbeatsPerSecMax + 4 * p.typicalDelayMs;
      for (const timeoutMs of [3 * (1000 / p.heartbeatsPerSecMax), 1.2 * p.gcPauseMs]) {
        expect(timeoutMs, JSON.stringify(p)).toBeLessThan(longestSilenceMs(p));
        expect(timeoutMs, JSON.stringify(p)).toBeGreaterThan(calmSilenceMs);
      }
    }
    // On every other public link the middle rounded up stays within the band, and every band is 1.2 ms or more.
    for (const { label, profile } of others) {
      expect(Math.ceil(middleMs(profile)), label).toBeLessThanOrEqual(latestMs(profile));
      expect(bandMs(profile), label).toBeGreaterThanOrEqual(1.2 - 1e-9);
    }
  });

  test("the search tries the link's worst moments among its first candidates", () => {
    const index = PUBLIC_LINKS.findIndex((k) => k.label === LABEL);
    const first = detectorSearch({} as never, 60, 12_345).first!;
    expect(first.filter((k) => k.profileSeed === index).map((k) => k.moment.kind)).toEqual(["pause", "spike", "crash"]);
  });

  // The variant, and whether some links of the fast kind with a short pause failed it before (under some secrets).
  test.each([
    ["mid-band-whole-ms-up", true],
    ["five-percent-whole-ms-up", true],
    ["silence-plus-1-2-ms", false],
    ["latest-less-1-2-ms", false],
  ] as const)("%s fails the link and every link of the kind, and no other public link", async (name, someFastBefore) => {
    const fail = await detectorFails(variant(EXERCISE, name));
    expect(fail(link)).toBe(true);
    expect(seedsOf(KIND).filter((seed) => !fail(aimedProfile(seed)))).toEqual([]);
    expect(others.filter((k) => fail(k.profile)).map((k) => k.label)).toEqual([]);
    // Before, no other kind failed it but that one, and that one on some links only: a draw could miss them all.
    const otherKinds = Array.from({ length: AIMED_PROFILES.length }, (_, k) => k).filter((k) => k !== KIND);
    expect(otherKinds.filter((k) => seedsOf(k).some((seed) => fail(aimedProfile(seed))))).toEqual(someFastBefore ? [SHORT_PAUSE_FAST_KIND] : []);
    if (someFastBefore) expect(seedsOf(SHORT_PAUSE_FAST_KIND).filter((seed) => !fail(aimedProfile(seed))).length).toBeGreaterThan(0);
  });

  test.each(rightAnswers(EXERCISE))("%s passes the link and every link of the kind", async (file) => {
    const fail = await detectorFails(file);
    expect(fail(link)).toBe(false);
    expect(seedsOf(KIND).filter((seed) => fail(aimedProfile(seed)))).toEqual([]);
  });
});

describe("07: the heartbeat before a moment's fault is held no longer than the link allows", () => {
  // The search draws the delay of the heartbeat before the fault up to 20 ms, and small profile seeds are the public links,
  // whose fast ones have spikes of 4-12 ms: a heartbeat held longer is a spike the link cannot have.
  const moments = [
    { kind: "pause", beat: 1, leadTicks: 1, beforeTicks: 17_408, afterTicks: 1 },
    { kind: "spike", beat: 2, leadTicks: 1, beforeTicks: 13 * 1024, afterTicks: 1 },
    { kind: "spike", beat: 2, leadTicks: 1, beforeTicks: 20 * 1024, afterTicks: 1 },
  ] as const;

  test.each(rightAnswers(EXERCISE))("%s passes every public link with the heartbeat before the fault drawn late", async (file) => {
    const { chooseDetector } = (await import(file)) as { chooseDetector(p: LinkProfile): { heartbeatMs: number; timeoutMs: number } };
    for (const { label, profile } of PUBLIC_LINKS) {
      for (const m of moments) expect(judgeMoment(profile, chooseDetector(profile), m, () => {}), `${label}: ${JSON.stringify(m)}`).toBeNull();
    }
  });
});

describe("07: a long pause, many heartbeats a second and a tight budget", () => {
  const MANY = "a long pause, many heartbeats a second and a tight outage budget";
  const manyLink = HAND_MADE_LINKS.find((k) => k.label === MANY)!.profile;
  const links = [manyLink, ...seedsOf(MANY_BEATS_KIND).map(aimedProfile)];

  test("the link and the kind: an interval under a tenth of the timeout, by more than half the band", () => {
    for (const p of links) {
      const intervalMs = 1000 / p.heartbeatsPerSecMax;
      expect(middleMs(p) / 10 - intervalMs, JSON.stringify(p)).toBeGreaterThan(bandMs(p) / 2);
    }
    // Every other kind's interval is over a tenth of its middle, or its band at least twice what a tenth exceeds it by.
    for (const k of Array.from({ length: AIMED_PROFILES.length }, (_, k) => k).filter((k) => k !== MANY_BEATS_KIND)) {
      for (const p of seedsOf(k).map(aimedProfile)) expect(middleMs(p) / 10 - 1000 / p.heartbeatsPerSecMax, `kind ${k}: ${JSON.stringify(p)}`).toBeLessThanOrEqual(bandMs(p) / 2);
    }
  });

  test("the search tries the link's worst moments among its first candidates", () => {
    const index = PUBLIC_LINKS.findIndex((k) => k.label === MANY);
    const first = detectorSearch({} as never, 60, 12_345).first!;
    expect(first.filter((k) => k.profileSeed === index).map((k) => k.moment.kind)).toEqual(["pause", "spike", "crash"]);
  });

  test("tenth-of-timeout-heartbeat fails the link and every link of the kind, and no other public link nor kind", async () => {
    const fail = await detectorFails(variant(EXERCISE, "tenth-of-timeout-heartbeat"));
    expect(links.filter((p) => !fail(p))).toEqual([]);
    expect(PUBLIC_LINKS.filter((k) => k.label !== MANY && fail(k.profile)).map((k) => k.label)).toEqual([]);
    const otherKinds = Array.from({ length: AIMED_PROFILES.length }, (_, k) => k).filter((k) => k !== MANY_BEATS_KIND);
    expect(otherKinds.filter((k) => seedsOf(k).some((seed) => fail(aimedProfile(seed))))).toEqual([]);
  });

  test.each(rightAnswers(EXERCISE))("%s passes the link and every link of the kind", async (file) => {
    const fail = await detectorFails(file);
    expect(links.filter(fail)).toEqual([]);
  });
});

/**
 * Cases added for exercises 07 and 01 against answers that had full marks:
 * - 07: a spike well longer than the pause with a tight budget (the hand-made link and the aimed
 *   kind `SPIKE_TIGHT_LINK`) fails a setting whose silence counts the spike without the interval
 *   before it, on every link of that kind; the reference and the alternatives pass them all.
 * - 01: the scene where every follower stays 3 s behind alice's save fails a router that trusts
 *   followers again 2.5 s after a write; the rule-(d) check, which now routes each run after a
 *   different one in the same loaded module, fails a router remembering its choice per client and
 *   log position in a module variable. The reference and the alternatives pass both.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { SAVE_CASES, judgeSave, stateCheckRuns } from "../exercises/01-read-your-writes.support";
import { stateBetweenRuns } from "../exercises/sessions.support";
import { inProcess } from "../fixtures/router-log";
import { AIMED_PROFILES, aimedProfile, HAND_MADE_LINKS } from "../exercises/07-detector-timeout.support";
import { detectorFails } from "../fixtures/answers";

const root = join(__dirname, "..", "..");

describe("07: a spike longer than the pause, with a tight budget", () => {
  const link = HAND_MADE_LINKS.find((k) => k.label === "a spike longer than any pause, with a tight outage budget")!.profile;
  const spikeKind = AIMED_PROFILES.length - 1;
  const seeds = Array.from({ length: 40 }, (_, i) => i * AIMED_PROFILES.length + spikeKind);
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
    const fail = await detectorFails(join(root, "grader/variants/07-detector-timeout/spike-without-interval.ts"));
    expect(fail(link)).toBe(true);
    expect(seeds.filter((seed) => !fail(aimedProfile(seed)))).toEqual([]);
  });

  test.each(right)("%s passes the hand-made link and every link of the aimed kind", async (file) => {
    const fail = await detectorFails(join(root, file));
    expect(fail(link)).toBe(false);
    expect(seeds.filter((seed) => fail(aimedProfile(seed)))).toEqual([]);
  });
});

describe("01: a trust window of 2.5 s and a memory outside ctx.session fail; right answers pass", () => {
  const longLag = SAVE_CASES.find((k) => k.label.startsWith("every follower stays 3 s behind"))!;
  const folder = (f: string) => readdirSync(join(root, f)).map((name) => join(f, name));
  const right = ["solutions/01-read-your-writes.ts", ...folder("grader/alternatives/01-read-your-writes")];
  const variant = (name: string) => join(root, "grader/variants/01-read-your-writes", name);

  test("the long-lag scene fails trust-after-2500ms (and the shorter waits)", async () => {
    for (const name of ["trust-after-2500ms.ts", "trust-after-a-second.ts", "trust-after-300ms.ts"]) {
      expect(await judgeSave(inProcess(variant(name)), longLag, () => {}), name).not.toBeNull();
    }
  });

  test("the rule-(d) check fails memo-outside-session, on the rule of ctx.session", async () => {
    const broken = await stateBetweenRuns(inProcess(variant("memo-outside-session.ts")), stateCheckRuns(), () => {});
    expect(broken?.rule).toBe("per-client memory lives in ctx.session, not in variables outside the function");
  });

  test.each(right)("%s passes the long-lag scene and the rule-(d) check", async (file) => {
    expect(await judgeSave(inProcess(join(root, file)), longLag, () => {})).toBeNull();
    expect(await stateBetweenRuns(inProcess(join(root, file)), stateCheckRuns(), () => {})).toBeNull();
  });
});

describe("01: a read held by a paused follower and answered late fails a router that trusts lastReadNode; right answers pass", () => {
  const held = SAVE_CASES.find((k) => k.label.startsWith("a read she sent just before her save is held"))!;
  const folder = (f: string) => readdirSync(join(root, f)).map((name) => join(f, name));
  const right = ["solutions/01-read-your-writes.ts", ...folder("grader/alternatives/01-read-your-writes")];
  test.each(["trusts-last-read-node.ts", "same-node-until-next-write.ts"])("%s fails the scene", async (name) => {
    const found = await judgeSave(inProcess(join(root, "grader/variants/01-read-your-writes", name)), held, () => {});
    expect(found?.rule).toMatch(/^read-your-writes/);
  });
  test.each(right)("%s passes it", async (file) => {
    expect(await judgeSave(inProcess(join(root, file)), held, () => {})).toBeNull();
  });
});

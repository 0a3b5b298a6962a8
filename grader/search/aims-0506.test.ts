/**
 * Exercises 05 and 06 with large numbers and several stores: the aimed cases added for them catch
 * the known-wrong answers they were made for on every seed of their kind (so under every grading
 * secret), and the right answers on none.
 *
 * 05: rankings that pack epoch, position and priority into one number or a padded string are right
 * while positions stay in the thousands and priorities below 10. 06: a store whose highest token
 * lives in a 32-bit register is right while tokens stay below 2^31; one whose state lives at module
 * level, reset or cleared by each createFencedStore(), is right while only one store is alive.
 */
import { describe, expect, test, vi } from "vitest";
import { AIMED_CLUSTERS, follower as f, type Follower } from "../exercises/05-leader-election.support";
import { aimedClusterKind, electionChooser, electionFails, rightAnswers, variant } from "../fixtures/answers";
import { HAND_CASES, MAX_TOKEN, PROBING_STREAMS, RANDOM_STREAMS, TWO_STORE_CASES, judgeStreams, streamSteps, type TokenWrite } from "../exercises/06-fencing.support";
import type { Step } from "../sandbox/protocol";
import type { StepResults } from "../student";

/** `perKind` seeds of the kind at `index` of a list of `kinds` (`turnOf(seed, kinds) === index`). */
const seedsOf = (index: number, kinds: number, perKind = 60) => Array.from({ length: perKind }, (_, i) => (i * 7_919 + 13) * kinds + index);

describe("05: large log positions and priorities", () => {
  const AIMS = {
    "packs-epoch-and-lsn": "a newer epoch against a log millions of entries longer",
    "padded-string-positions": "positions on either side of a power of ten past 10^8",
    "packs-priority-as-a-digit": "a priority above 9 against a log one entry longer",
  };
  /** The public hand-made cases each variant must fail (as in grader/exercises/05-leader-election.test.ts). */
  const PUBLIC: Record<keyof typeof AIMS, Follower[]> = {
    "packs-epoch-and-lsn": [f("A", { epoch: 1, receivedLsn: 2_500_000 }), f("B", { epoch: 2, receivedLsn: 100 })],
    "padded-string-positions": [f("A", { receivedLsn: 99_999_999 }), f("B", { receivedLsn: 100_000_000 })],
    "packs-priority-as-a-digit": [f("A", { receivedLsn: 99, priority: 12 }), f("B", { receivedLsn: 100, priority: 1 })],
  };

  test.each(Object.entries(AIMS))("variant %s fails every cluster aimed at it, and its public case", async (name, aim) => {
    const choose = await electionChooser(variant("05-leader-election", name));
    const { index, build } = aimedClusterKind(aim);
    const seeds = seedsOf(index, AIMED_CLUSTERS.length);
    expect(seeds.filter((seed) => !electionFails(choose, build(seed)))).toEqual([]);
    expect(electionFails(choose, PUBLIC[name as keyof typeof AIMS])).toBe(true);
  });

  test.each(rightAnswers("05-leader-election"))("right answer %s passes every cluster of the new kinds and the public cases", async (file) => {
    const choose = await electionChooser(file);
    for (const aim of Object.values(AIMS)) {
      const { index, build } = aimedClusterKind(aim);
      expect(seedsOf(index, AIMED_CLUSTERS.length).filter((seed) => electionFails(choose, build(seed))), aim).toEqual([]);
    }
    for (const followers of Object.values(PUBLIC)) expect(electionFails(choose, followers)).toBe(false);
    const max = Number.MAX_SAFE_INTEGER;
    expect(choose([f("A", { receivedLsn: max }), f("B", { receivedLsn: max - 1, priority: 2 })])).toBe("A");
  });

  test("the new kinds stay within the numbers the text allows (whole, 0 to Number.MAX_SAFE_INTEGER), positions past 10^6", () => {
    for (const aim of Object.values(AIMS)) {
      const { index, build } = aimedClusterKind(aim);
      for (const seed of seedsOf(index, AIMED_CLUSTERS.length)) {
        const followers = build(seed);
        for (const x of followers.flatMap((g) => [g.epoch, g.receivedLsn, g.appliedLsn, g.priority])) expect(Number.isSafeInteger(x) && x >= 0).toBe(true);
        for (const g of followers) expect(g.appliedLsn).toBeLessThanOrEqual(g.receivedLsn);
      }
    }
    const far = aimedClusterKind(AIMS["packs-epoch-and-lsn"]);
    expect(Math.max(...far.build(far.index).map((g) => g.receivedLsn))).toBeGreaterThan(1e6);
  });
});

describe("06: tokens past 2^31 and several stores alive at once", () => {
  /** Runs `steps` as the sandbox does, in a freshly loaded copy of `file` (its module-level state new). */
  const run = async (file: string, steps: Step[]): Promise<StepResults> => {
    vi.resetModules();
    const m = (await import(file)) as Record<string, (...args: unknown[]) => unknown>;
    const kept = new Map<string, Record<string, (...args: unknown[]) => unknown>>();
    const values: StepResults["values"] = [];
    for (const [i, step] of steps.entries()) {
      try {
        const value = "call" in step ? m[step.call](...step.args) : kept.get(step.invoke)![step.method](...step.args);
        if (step.keep) kept.set(step.keep, value as Record<string, (...args: unknown[]) => unknown>);
        values.push(value as StepResults["values"][number]);
      } catch (error) {
        return { values, argsAfter: [], error: error as never, at: i };
      }
    }
    return { values, argsAfter: [] };
  };
  const fails = async (file: string, writes: readonly TokenWrite[]) => judgeStreams(writes, await run(file, streamSteps(writes))) !== null;
  const failingSeeds = async (file: string, kinds: readonly ((seed: number) => TokenWrite[])[], kind: number) => {
    const out: number[] = [];
    for (const seed of seedsOf(kind, kinds.length, 40)) if (await fails(file, kinds[kind](seed))) out.push(seed);
    return out;
  };
  const hand = (label: string) => [...HAND_CASES, ...TWO_STORE_CASES].find((k) => k.label === label)!.writes;
  const PAST_2_31 = hand("tokens past 2^31 (more than a 32-bit integer holds)");
  const TWO_STORES = TWO_STORE_CASES.map((k) => k.writes);

  test("the int32 variant fails the hand-made stream past 2^31 and every probing stream past 2^31 or up to MAX_SAFE_INTEGER", async () => {
    const file = variant("06-fencing", "int32-highest-token");
    expect(await fails(file, PAST_2_31)).toBe(true);
    for (const kind of [1, 2]) expect((await failingSeeds(file, PROBING_STREAMS, kind)).length, PROBING_STREAMS[kind].name).toBe(40);
  });

  test.each(["module-token-reset-per-store", "module-values-cleared-per-store", "shared-module-state", "values-shared-between-stores"])(
    "variant %s fails both hand-made two-store streams and every random two-store stream",
    async (name) => {
      const file = variant("06-fencing", name);
      for (const writes of TWO_STORES) expect(await fails(file, writes)).toBe(true);
      expect((await failingSeeds(file, RANDOM_STREAMS, 1)).length).toBe(40);
    },
  );

  test.each(rightAnswers("06-fencing"))("right answer %s passes every new stream", async (file) => {
    for (const writes of [PAST_2_31, hand("tokens up to Number.MAX_SAFE_INTEGER"), ...TWO_STORES]) expect(await fails(file, writes)).toBe(false);
    for (const kinds of [PROBING_STREAMS, RANDOM_STREAMS]) for (let kind = 0; kind < kinds.length; kind++) expect(await failingSeeds(file, kinds, kind), kinds[kind].name).toEqual([]);
  });

  test("new streams hold whole tokens from 1 to Number.MAX_SAFE_INTEGER; probing ones pass 2^31, and reach within 16 of the maximum", () => {
    for (const kinds of [PROBING_STREAMS, RANDOM_STREAMS]) {
      for (let kind = 0; kind < kinds.length; kind++) {
        for (const seed of seedsOf(kind, kinds.length, 40)) {
          for (const w of kinds[kind](seed)) expect(Number.isSafeInteger(w.token) && w.token >= 1 && w.token <= MAX_TOKEN).toBe(true);
        }
      }
    }
    expect(Math.max(...PROBING_STREAMS[1](1).map((w) => w.token))).toBeGreaterThanOrEqual(2 ** 31);
    expect(Math.max(...PROBING_STREAMS[2](2).map((w) => w.token))).toBeGreaterThan(MAX_TOKEN - 16);
  });

  test("a stream in one store is asked as before; with two, each store's steps come in order, its first made before its first write", () => {
    const one = HAND_CASES[0].writes;
    expect(streamSteps(one)[0]).toEqual({ call: "createFencedStore", args: [], keep: "store" });
    expect(streamSteps(one).filter((s) => "call" in s)).toHaveLength(1);
    const steps = streamSteps(TWO_STORES[0]);
    expect(steps.filter((s) => "call" in s).map((s) => ("call" in s ? s.keep : ""))).toEqual(["store", "store2"]);
    expect(steps.findIndex((s) => "keep" in s && s.keep === "store2")).toBe(3);
  });
});

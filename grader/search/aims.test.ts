/**
 * Hidden tests aim at every mistake in every draw: the kinds of case take turns whatever the
 * seeds, and exercise 05's aimed clusters catch each known-wrong variant on every seed of their
 * kind (the verdict of its hidden test cannot hang on the draw).
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { AIMED_CLUSTERS, aimedCluster, checkElection, type Follower } from "../exercises/05-leader-election.support";
import { seedsTakingTurns, turnOf } from "./aims";

describe("seedsTakingTurns", () => {
  test("every draw holds each kind at least floor(n / kinds) times, each seed moved by less than kinds", () => {
    for (const kinds of [1, 3, 11]) {
      for (let draw = 0; draw < 50; draw++) {
        const seeds = Array.from({ length: 40 }, (_, i) => (draw * 1_000_003 + i * 7_919_221) % 0x7fffffff);
        const turned = seedsTakingTurns(seeds, kinds);
        const counts = Array.from({ length: kinds }, (_, k) => turned.filter((s) => turnOf(s, kinds) === k).length);
        expect(Math.min(...counts)).toBeGreaterThanOrEqual(Math.floor(40 / kinds));
        turned.forEach((s, i) => {
          expect(Math.abs(s - seeds[i])).toBeLessThan(kinds);
          expect(s).toBeGreaterThanOrEqual(0);
          expect(s).toBeLessThanOrEqual(0x7fffffff);
        });
      }
    }
  });

  test("the largest seeds stay 31-bit", () => {
    expect(seedsTakingTurns([0x7fffffff, 0x7fffffff], 11).every((s) => s <= 0x7fffffff)).toBe(true);
  });
});

describe("05: every known-wrong variant fails every cluster of some aimed kind; right answers none", () => {
  const root = join(__dirname, "..");
  const files = (folder: string) => readdirSync(join(root, folder, "05-leader-election")).map((f) => join(root, folder, "05-leader-election", f));
  const judged = async (file: string) => {
    const { chooseNewLeader } = (await import(file)) as { chooseNewLeader(f: Follower[]): unknown };
    return (seed: number): boolean => {
      const followers = aimedCluster(seed);
      const before = JSON.stringify(followers);
      try {
        const copy = JSON.parse(before) as Follower[];
        const chosen = chooseNewLeader(copy);
        return checkElection(followers, chosen) !== null || JSON.stringify(copy) !== before;
      } catch {
        return true;
      }
    };
  };
  const seedsOfKind = (kind: number) => Array.from({ length: 60 }, (_, i) => i * AIMED_CLUSTERS.length + kind);

  test.each(files("variants").map((f) => [f.split("/").pop()!, f]))("variant %s", async (_name, file) => {
    const fails = await judged(file);
    const kinds = AIMED_CLUSTERS.map((_, kind) => seedsOfKind(kind).every(fails));
    expect(kinds.some(Boolean)).toBe(true);
  });

  test.each([...files("alternatives"), join(root, "..", "solutions", "05-leader-election.ts")].map((f) => [f.split("/").pop()!, f]))("correct %s", async (_name, file) => {
    const fails = await judged(file);
    for (let kind = 0; kind < AIMED_CLUSTERS.length; kind++) expect(seedsOfKind(kind).filter(fails)).toEqual([]);
  });
});

/**
 * 03's cases built against the serving policy take turns at three kinds of trailing run (every
 * follower, B and C, C alone: `aimedTrailing`). A serving policy of the form "some follower is
 * fine" (skip only the slowest, take the least lagging however far behind, fall back to it rather
 * than the leader) and one that rounds the lag to whole milliseconds fail every seed of some kind;
 * the reference and the correct alternatives fail none, on every invariant (the leader budget
 * where some follower keeps up).
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import {
  aimedTrailing,
  ALL_INVARIANTS,
  judgeRegistry,
  TRAILING_KINDS,
  trailingOf,
  type Invariant,
  type Operation,
  type Policy,
} from "../exercises/03-model-registry.support";
import { registryPoliciesOf } from "../fixtures/answers";

const NAME = "03-model-registry";
const root = join(__dirname, "..");

/** A dozen seeds of each kind (`seed % 3` is the kind). */
const seedsOfKind = (kind: number) => Array.from({ length: 12 }, (_, i) => (i * 2_654_435_761 + 41) % 0x7fffffff).map((s) => s - (s % TRAILING_KINDS.length) + kind);

/** The aimed trailing run of `seed` judged on `which`: the broken rule, or null. The routings are plain functions or library routings here, simulated in this process. */
async function aimedVerdict(policies: Record<Operation, Policy>, seed: number, which: readonly Invariant[]): Promise<string | null> {
  const run = aimedTrailing(seed, policies["serve-model"]);
  return (await judgeRegistry(seed, policies, which, () => {}, null as never, run))?.rule ?? null;
}

describe("03: the kinds of trailing run", () => {
  test("take turns by seed: every follower, B and C, C alone", () => {
    const serving = { routing: (() => "A") as never, reason: "" };
    expect([0, 1, 2, 3].map((seed) => trailingOf(aimedTrailing(seed, serving))?.followers)).toEqual([3, 2, 1, 3]);
    expect(aimedTrailing(0, serving).ms).toBeGreaterThan(100);
    expect(aimedTrailing(0, serving).ms).toBeLessThan(101);
  });
});

describe("03: each 'some follower is fine' serving policy fails every seed of its aimed kind", () => {
  // [variant, the kinds (followers trailing) that catch it on every seed]
  const caught: [string, number[]][] = [
    ["serve-skip-slowest.ts", [3, 2]],
    ["serve-freshest-follower.ts", [3]],
    ["serve-fallback-least-lag.ts", [3]],
    ["serve-rounded-lag.ts", [3]],
  ];
  test.each(caught)("%s", async (file, followers) => {
    const policies = await registryPoliciesOf(join(root, "variants", NAME, file));
    for (const n of followers) {
      const kind = TRAILING_KINDS.indexOf(n as never);
      for (const seed of seedsOfKind(kind)) {
        expect(await aimedVerdict(policies, seed, ["serve"]), `${n} trailing, seed ${seed}`).toMatch(/no serving node loads a version/);
      }
    }
  });
});

describe("03: right answers keep every invariant in every aimed trailing run", () => {
  const right = [
    ...readdirSync(join(root, "alternatives", NAME)).map((f) => [f, join(root, "alternatives", NAME, f)]),
    [`solutions/${NAME}.ts`, join(root, "..", "solutions", `${NAME}.ts`)],
  ];
  test.each(right)("%s", async (_name, file) => {
    const policies = await registryPoliciesOf(file);
    for (const kind of TRAILING_KINDS.keys()) {
      for (const seed of seedsOfKind(kind)) expect(await aimedVerdict(policies, seed, ALL_INVARIANTS), `kind ${kind}, seed ${seed}`).toBeNull();
    }
  });
});

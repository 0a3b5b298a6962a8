/**
 * Every candidate a search may draw is a configuration the simulator accepts: a search that can
 * draw an invalid one fails a right answer with a ConfigError under some grading secrets.
 */
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { normalize } from "../../lib/config";
import type { SimConfig } from "../../lib/config";
import { rywSceneConfig, rywSearch } from "../exercises/01-read-your-writes.support";
import { sceneConfig, stickySearch } from "../exercises/08-monotonic-reads.support";

const SAMPLES = 3000;

describe("the simulated searches draw only valid configurations", () => {
  const cases: [string, fc.Arbitrary<unknown>, (k: never) => SimConfig][] = [
    ["01 read-your-writes", rywSearch(null as never, 1).space, rywSceneConfig as (k: never) => SimConfig],
    ["08 monotonic reads", stickySearch(null as never, 1).space, sceneConfig as (k: never) => SimConfig],
  ];
  test.each(cases)("%s", (_name, space, config) => {
    for (const k of fc.sample(space, { numRuns: SAMPLES, seed: 1 })) expect(() => normalize(config(k as never))).not.toThrow();
  });
});

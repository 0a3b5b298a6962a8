import { describe, expect, test } from "vitest";
import { deriveSeed, randomInt, stream } from "./rng";

describe("seeded streams", () => {
  test("the same seed and name give the same numbers, pinned for seed 7", () => {
    const a = stream(7, "network/A/to");
    const first = [a.nextUint32(), a.nextUint32(), a.nextUint32()];
    // Pinned: changes only if the generator or the seeding changes, on purpose.
    expect(first).toEqual(PINNED);
    const b = stream(7, "network/A/to");
    expect([b.nextUint32(), b.nextUint32(), b.nextUint32()]).toEqual(first);
  });

  test("different names or seeds give unrelated streams", () => {
    const xs = (s: number, n: string) => Array.from({ length: 5 }, ((r) => () => r.nextUint32())(stream(s, n)));
    expect(xs(7, "a")).not.toEqual(xs(7, "b"));
    expect(xs(7, "a")).not.toEqual(xs(8, "a"));
    expect(xs(-1, "a")).not.toEqual(xs(2 ** 40, "a"));
  });

  test("uniforms lie strictly inside (0, 1) and have mean 1/2", () => {
    const r = stream(1, "u");
    let sum = 0;
    let outside = 0;
    for (let i = 0; i < 100_000; i++) {
      const u = r.next();
      if (!(u > 0 && u < 1)) outside++;
      sum += u;
    }
    expect(outside).toBe(0);
    expect(Math.abs(sum / 100_000 - 0.5)).toBeLessThan(0.005);
  });

  test("randomInt covers [0, n) evenly", () => {
    const r = stream(3, "int");
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 40_000; i++) counts[randomInt(r, 4)]++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(400);
  });

  test("derived seeds are stable and distinct per label", () => {
    expect(deriveSeed(1, "x")).toBe(deriveSeed(1, "x"));
    expect(deriveSeed(1, "x")).not.toBe(deriveSeed(1, "y"));
  });
});

const PINNED = [194349948,1574696783,2323537228];

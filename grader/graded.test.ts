/**
 * What a graded test keeps of a value for feedback (`jsonSafe`): the first characters of its JSON
 * text, built without visiting the rest of a huge value.
 */
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { cappedText, jsonSafe, safeString } from "./graded";

/** jsonSafe as it was before it stopped early: the whole text, then cut. */
function wholeThenCut(value: unknown, maxChars: number): unknown {
  if (value === undefined) return undefined;
  const text = safeString(value);
  if (text.length > maxChars) return `${text.slice(0, maxChars)}… (truncated)`;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Whether JSON can write `value` (safeString does not fall back to String(value), or fail). */
function writable(value: unknown): boolean {
  try {
    return !(typeof value === "object" && value !== null && safeString(value) === String(value));
  } catch {
    return false;
  }
}

describe("jsonSafe", () => {
  test("keeps what writing the whole value out and cutting it kept, for any value and limit", () => {
    const values = fc.anything({ withMap: true, withSet: true, withTypedArray: true, withNullPrototype: true, withBigInt: true, maxDepth: 4, maxKeys: 12 });
    fc.assert(
      fc.property(values, fc.integer({ min: 1, max: 400 }), (value, maxChars) => {
        // Not values JSON cannot write at all (a map keyed by an object without a string form):
        // written whole they become String(value), cut they may not reach the part at fault.
        fc.pre(writable(value));
        expect(jsonSafe(value, maxChars)).toEqual(wholeThenCut(value, maxChars));
      }),
      { numRuns: 3000, seed: 7 },
    );
  });

  test("keeps shared and cyclic parts as the whole text did", () => {
    const shared = { a: 1 };
    const cyclic: Record<string, unknown> = { name: "loop" };
    cyclic.self = cyclic;
    for (const value of [[shared, shared], cyclic, new Map([["m", shared]]), new Set([shared, [shared]])]) {
      for (const maxChars of [5, 4000]) expect(jsonSafe(value, maxChars)).toEqual(wholeThenCut(value, maxChars));
    }
  });

  test("reads only the first parts of a huge answer", () => {
    let reads = 0;
    const counted = <T extends object>(target: T): T =>
      new Proxy(target, {
        get(t, key, receiver) {
          if (typeof key === "string" && /^\d+$/.test(key)) reads++;
          return Reflect.get(t, key, receiver);
        },
      });
    const numbers = counted(Array.from({ length: 2_000_000 }, (_, i) => i + 0.5));
    const shown = jsonSafe(numbers) as string;
    expect(shown.endsWith("… (truncated)")).toBe(true);
    expect(shown.startsWith("[0.5,1.5,2.5")).toBe(true);
    expect(reads).toBeLessThan(5_000);
    const floats = new Float64Array(5_000_000).fill(1.25);
    expect(jsonSafe(floats)).toEqual(wholeThenCut(floats.subarray(0, 10_000), 4_000));
  });
});

describe("cappedText", () => {
  test("keeps a case's text whole up to 4,000 characters, and its first 4,000 after", () => {
    const short = "a".repeat(4_000);
    expect(cappedText(short)).toBe(short);
    const long = `${"b".repeat(4_000)}${"c".repeat(40_000_000)}`;
    expect(cappedText(long)).toBe(`${"b".repeat(4_000)}… (truncated)`);
    expect(cappedText("abcdef", 3)).toBe("abc… (truncated)");
  });
});

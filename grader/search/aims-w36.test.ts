/**
 * Exercise 06: strings kept exactly, past what the hand-made stream held. Its keys were at most
 * 301 characters long, its values 1,000, and every string well-formed UTF-16, so a store that cut
 * keys to 512 characters or values to 65,535, or kept keys or values as UTF-8 bytes (where lone
 * surrogates become one replacement character), had full marks. The stream now ends with two keys
 * of 999 characters that differ in the last, two keys that are lone surrogates, a value holding
 * one, and a value of 100,000 characters.
 */
import { describe, expect, test, vi } from "vitest";
import { HAND_CASES, judgeStreams, streamSteps, type TokenWrite } from "../exercises/06-fencing.support";
import { rightAnswers, variant } from "../fixtures/answers";
import type { StepResults } from "../student";

// ------------------------------------------------------------------------------------------- 06

const FENCING = "06-fencing";
const STRINGS = HAND_CASES.find((k) => k.label.startsWith("keys and values are any strings"))!.writes;
/** The writes the stream of strings ends with now: keys of 999 characters, lone surrogates, a value of 100,000 characters. */
const ADDED = 6;

type Store = Record<"write" | "read", (...args: unknown[]) => unknown>;

/** The first rule a freshly loaded `file` breaks on `writes`, its stores asked in this process step by step. */
async function fencingVerdict(file: string, writes: readonly TokenWrite[]) {
  vi.resetModules();
  const { createFencedStore } = (await import(file)) as { createFencedStore(): Store };
  const stores: Record<string, Store> = {};
  const values = streamSteps(writes).map((step) => ("call" in step ? (stores[step.keep!] = createFencedStore()) : stores[step.invoke][step.method as "write" | "read"](...step.args)));
  return judgeStreams(writes, { values, argsAfter: [] } as unknown as StepResults);
}

describe("06: strings kept exactly, long and not well-formed", () => {
  test("the stream ends with two keys of 999 characters, two lone surrogates, a value holding one and a value of 100,000 characters", () => {
    const added = STRINGS.slice(-ADDED);
    expect(added.map((w) => w.key.length)).toEqual([999, 999, 1, 1, 4, 6]);
    const lone = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
    expect(added.map((w) => lone.test(w.key))).toEqual([false, false, true, true, false, false]);
    expect(lone.test(added[4].value)).toBe(true);
    expect(added[5].value).toHaveLength(100_000);
    expect(new TextEncoder().encode(added[2].key)).toEqual(new TextEncoder().encode(added[3].key));
  });

  test.each(["keys-as-utf8-bytes", "values-as-utf8-bytes", "values-cut-to-64-kib", "keys-cut-to-512-characters"])(
    "variant %s passes every other hand-made stream and the stream of strings as it was, and fails it now",
    async (name) => {
      const file = variant(FENCING, name);
      for (const k of HAND_CASES.filter((c) => c.writes !== STRINGS)) expect(await fencingVerdict(file, k.writes), k.label).toBeNull();
      expect(await fencingVerdict(file, STRINGS.slice(0, -ADDED))).toBeNull();
      expect(await fencingVerdict(file, STRINGS)).not.toBeNull();
    },
  );

  test.each(rightAnswers(FENCING))("right answer %s keeps every string exactly", async (file) => {
    expect(await fencingVerdict(file, STRINGS)).toBeNull();
  });
});

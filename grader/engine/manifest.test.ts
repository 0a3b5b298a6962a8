import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { loadExercises, parseOnly, readManifest, selectExercises } from "./exercises";
import { deriveSeeds, hiddenSeedKey, PUBLIC_SEED_KEY } from "../seeds";

const root = resolve(fileURLToPath(new URL(".", import.meta.url)), "../..");

describe("the manifest of graded tests", () => {
  test("is read from the test file's literals, with points and visibility", () => {
    const [ex] = selectExercises(loadExercises(root), ["05"]);
    expect(ex.problems).toEqual([]);
    expect(ex.tests.length).toBeGreaterThanOrEqual(5);
    expect(ex.tests.some((t) => t.visibility === "hidden")).toBe(true);
    expect(ex.tests[0]).toEqual({ name: "promotes the alive follower with the highest received log position", points: 2, visibility: "public" });
    expect(ex.meta.hints.length).toBeGreaterThanOrEqual(2);
  });

  test("a graded() call without literal name, points and visibility is reported, and so is a duplicate name", () => {
    const file = join(mkdtempSync(join(tmpdir(), "rl-manifest-")), "09-x.test.ts");
    writeFileSync(file, `
      const n = "computed";
      graded({ name: n, points: 1, visibility: "public" }, async () => {});
      graded({ name: "a", points: 1, visibility: "secret" }, async () => {});
      graded({ name: "b", points: 2, visibility: "hidden", timeoutMs: 5_000 }, async () => {});
      graded({ name: "b", points: 1, visibility: "public" }, async () => {});`);
    const problems: string[] = [];
    const tests = readManifest(file, problems);
    expect(tests).toEqual([{ name: "b", points: 2, visibility: "hidden", timeoutMs: 5000 }]);
    expect(problems).toHaveLength(3);
    expect(problems.join("\n")).toMatch(/09-x\.test\.ts:3: graded\(\) needs a literal/);
    expect(problems.join("\n")).toMatch(/two graded tests are named "b"/);
  });

  test("a public test after a hidden one is reported, and every graded file puts its hidden tests last", () => {
    const file = join(mkdtempSync(join(tmpdir(), "rl-manifest-")), "09-x.test.ts");
    writeFileSync(file, `
      graded({ name: "a", points: 1, visibility: "public" }, async () => {});
      graded({ name: "b", points: 1, visibility: "hidden" }, async () => {});
      graded({ name: "c", points: 1, visibility: "public" }, async () => {});`);
    const problems: string[] = [];
    readManifest(file, problems);
    expect(problems).toEqual(['09-x.test.ts: the public test "c" comes after the hidden test "b": put the hidden tests last']);
    for (const e of loadExercises(root)) {
      expect(e.problems, e.name).toEqual([]);
      const firstHidden = e.tests.findIndex((t) => t.visibility === "hidden");
      expect(firstHidden < 0 || e.tests.slice(firstHidden).every((t) => t.visibility === "hidden"), e.name).toBe(true);
    }
  });

  test("--only accepts ids, numbers and names, and names unknown exercises", () => {
    const all = loadExercises(root);
    expect(selectExercises(all, ["5"]).map((e) => e.id)).toEqual(["05"]);
    expect(selectExercises(all, ["05-leader-election"]).map((e) => e.id)).toEqual(["05"]);
    expect(selectExercises(all, ["leader-election", "06"]).map((e) => e.id)).toEqual(["05", "06"]);
    expect(() => selectExercises(all, ["42"])).toThrow(/no exercise "42"; the exercises are 01-read-your-writes, 02-data-loss-window/);
  });

  test("--only is read the same way by every command: trimmed, repeats dropped, and never an empty list", () => {
    expect(parseOnly(undefined)).toBeUndefined();
    expect(parseOnly("03")).toEqual(["03"]);
    expect(parseOnly(" 03, 05,,03 ")).toEqual(["03", "05"]);
    for (const nothing of ["", ",", " , "]) expect(() => parseOnly(nothing), JSON.stringify(nothing)).toThrow(/^--only: give the exercises to grade, as in --only 03 or --only 03,05/);
  });
});

describe("seeds", () => {
  test("are stable for a key and test, and differ between tests, keys and secrets", () => {
    const a = deriveSeeds(PUBLIC_SEED_KEY, "05", "t", 5);
    expect(deriveSeeds(PUBLIC_SEED_KEY, "05", "t", 5)).toEqual(a);
    expect(new Set(a).size).toBe(5);
    expect(a.every((s) => Number.isInteger(s) && s >= 0 && s < 2 ** 31)).toBe(true);
    expect(deriveSeeds(PUBLIC_SEED_KEY, "05", "u", 5)).not.toEqual(a);
    expect(deriveSeeds(hiddenSeedKey("one", "05"), "05", "t", 5)).not.toEqual(deriveSeeds(hiddenSeedKey("two", "05"), "05", "t", 5));
    expect(hiddenSeedKey("one", "05")).not.toEqual(hiddenSeedKey("one", "06"));
    expect(hiddenSeedKey("one", "05")).not.toContain("one");
  });

  test("pin the public seeds, which only change on purpose", () => {
    expect(deriveSeeds(PUBLIC_SEED_KEY, "05", "picks a correct leader in random clusters", 3)).toMatchInlineSnapshot(`
      [
        1337883218,
        41680118,
        1990811887,
      ]
    `);
  });

  test("reject a count outside 1-10000", () => {
    expect(() => deriveSeeds(PUBLIC_SEED_KEY, "05", "t", 0)).toThrow(/n must be a whole number from 1 to 10000, got 0/);
  });
});

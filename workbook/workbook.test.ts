import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { inspect } from "node:util";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { judge } from "../grader/api";
import { recordLatest } from "../grader/latest";
import { deriveSeeds, PUBLIC_SEED_KEY } from "../grader/seeds";
import { check, drawCase, hint, listExercises, progress, projectRoot, solution } from "./index";

const realRoot = resolve(fileURLToPath(new URL(".", import.meta.url)), "..");
const startDir = process.cwd();

/** A minimal workbook: one exercise with three hints and a solution. */
function fakeProject(withSolutions: boolean): string {
  const root = mkdtempSync(join(tmpdir(), "rl-workbook-"));
  writeFileSync(join(root, "package.json"), JSON.stringify({ name: "replication-lab" }));
  mkdirSync(join(root, "grader/exercises"), { recursive: true });
  mkdirSync(join(root, "notebooks"));
  mkdirSync(join(root, "exercises"));
  writeFileSync(join(root, "grader/exercises/07-thing.meta.json"), JSON.stringify({ title: "A thing", hints: ["first", "second", "third"] }));
  writeFileSync(join(root, "exercises/07-thing.ts"), "export const answer = 41;\n");
  if (withSolutions) {
    mkdirSync(join(root, "solutions"));
    writeFileSync(join(root, "solutions/07-thing.ts"), "export const answer = 42;\n");
  }
  return root;
}

describe("notebook helpers", () => {
  let root: string;
  beforeEach(() => {
    root = fakeProject(true);
    process.chdir(join(root, "notebooks"));
  });
  afterEach(() => process.chdir(startDir));

  it("find the project root from a notebook's folder, and say so when there is none", () => {
    expect(projectRoot()).toBe(root);
    expect(() => projectRoot(tmpdir())).toThrow(/not inside the replication-lab workbook/);
  });

  it("hint() reveals one more hint per call, remembers it, and repeats the last", () => {
    expect([hint("07"), hint("7"), hint("07-thing"), hint("07")].map((h) => h.text)).toEqual(["first", "second", "third", "third"]);
    expect(JSON.parse(readFileSync(join(root, ".cache/hints.json"), "utf8"))).toEqual({ "07": 3 });
  });

  it("hint() and solution() print their text once: what they return prints as a one-line note", () => {
    const shown = hint("07");
    expect(inspect(shown)).toBe('hint("07"): hint 1 of 3 shown');
    expect(inspect(solution("07", { confirm: true }))).toBe('solution("07"): shown above');
  });

  it("an unknown exercise is a clear error naming the ones that exist", () => {
    expect(() => hint("99")).toThrow(/no exercise "99"; the exercises are "07"/);
  });

  it("solution() shows the answer only when confirmed", () => {
    expect(solution("07")).toBeNull();
    expect(solution("07", { confirm: true })?.code).toBe("export const answer = 42;\n");
  });

  it("in a student release, solution() says where the solutions are instead", () => {
    const release = fakeProject(false);
    process.chdir(release);
    expect(solution("07", { confirm: true })).toBeNull();
  });

  it("progress() shows the latest recorded results without grading, and which files changed since", () => {
    expect(progress().rows).toEqual([expect.objectContaining({ id: "07", state: "not checked yet", maxScore: 0 })]);
    const test = (score: number) => ({ name: "t", status: score === 2 ? ("passed" as const) : ("partial" as const), score, maxScore: 2, message: "", visibility: "public" as const });
    const hidden = { ...test(0), name: "h", visibility: "hidden" as const };
    recordLatest(root, {
      score: 1, maxScore: 4, target: "exercises", publicOnly: false, hiddenSeeds: "random", durationMs: 1,
      exercises: [{ id: "07", name: "07-thing", title: "A thing", score: 1, maxScore: 4, file: "exercises/07-thing.ts", tests: [test(1), hidden] }],
    });
    const [row] = progress().rows;
    expect(row).toMatchObject({ id: "07", score: 1, maxScore: 2, state: "in progress" });
    expect(row.checked).toMatch(/^checked \d{4}-\d\d-\d\d \d\d:\d\d$/);
    writeFileSync(join(root, "exercises/07-thing.ts"), "export const answer = 42;\n");
    expect(progress().rows[0].checked).toBe('file changed since; check("07") again');
  });
});

describe("check() on the real workbook", () => {
  afterEach(() => process.chdir(startDir));
  afterAll(() => judge(realRoot).close());

  it("grades an exercise's public tests in the judge process and returns the result", async () => {
    process.chdir(join(realRoot, "notebooks"));
    expect(listExercises(realRoot).some((e) => e.id === "05")).toBe(true);
    const result = await check("05");
    expect(result.id).toBe("05");
    expect(result.tests.every((t) => t.visibility === "public")).toBe(true);
    expect(result.maxScore).toBeGreaterThan(0);
    expect(String(result)).toMatch(/^check\("05"\): [\d.]+\/[\d.]+ public points/);
  }, 180_000);

  // It draws a known-wrong variant's failure: a student release has no solutions/ or variants.
  it.skipIf(!existsSync(join(realRoot, "grader/variants")))("drawCase() replays a failing case in the judge and returns the part of its run it drew", async () => {
    process.chdir(join(realRoot, "notebooks"));
    const target = mkdtempSync(join(tmpdir(), "rl-draw-case-"));
    cpSync(join(realRoot, "solutions"), target, { recursive: true });
    cpSync(join(realRoot, "grader/variants/08-monotonic-reads/any-follower.ts"), join(target, "08-monotonic-reads.ts"));
    const [seed] = deriveSeeds(PUBLIC_SEED_KEY, "08", "no client sees a key go back in time while followers crash, and followers serve most reads", 4);
    const focused = await drawCase("08", seed, { target });
    expect(focused).not.toBeNull();
    expect(focused!.violation.guarantee).toBe("monotonic-reads");
    const reads = focused!.violation.ops.map((id) => focused!.source.history.ops.find((op) => op.id === id)).filter((op) => op?.kind === "read");
    // Two reads by one client, the later one seeing an older value.
    expect(reads).toHaveLength(2);
    expect(reads[0]!.client).toBe(reads[1]!.client);
    // A passing case draws nothing and says so.
    expect(await drawCase("08", seed, { target: join(realRoot, "solutions") })).toBeNull();
  }, 180_000);
});

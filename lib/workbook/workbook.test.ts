import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { check, hint, listExercises, projectRoot, solution } from "./index";

const realRoot = resolve(fileURLToPath(new URL(".", import.meta.url)), "../..");
const startDir = process.cwd();

/** A minimal workbook: one exercise with three hints and a solution. */
function fakeProject(withSolutions: boolean): string {
  const root = mkdtempSync(join(tmpdir(), "rl-workbook-"));
  writeFileSync(join(root, "package.json"), JSON.stringify({ name: "replication-lab" }));
  mkdirSync(join(root, "grader/exercises"), { recursive: true });
  mkdirSync(join(root, "notebooks"));
  writeFileSync(join(root, "grader/exercises/07-thing.meta.json"), JSON.stringify({ title: "A thing", hints: ["first", "second", "third"] }));
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
    expect([hint("07"), hint("7"), hint("07-thing"), hint("07")]).toEqual(["first", "second", "third", "third"]);
    expect(JSON.parse(readFileSync(join(root, ".cache/hints.json"), "utf8"))).toEqual({ "07": 3 });
  });

  it("an unknown exercise is a clear error naming the ones that exist", () => {
    expect(() => hint("99")).toThrow(/no exercise "99"; the exercises are "07"/);
  });

  it("solution() shows the answer only when confirmed", () => {
    expect(solution("07")).toBeNull();
    expect(solution("07", { confirm: true })).toBe("export const answer = 42;\n");
  });

  it("in a student release, solution() says where the solutions are instead", () => {
    const release = fakeProject(false);
    process.chdir(release);
    expect(solution("07", { confirm: true })).toBeNull();
  });
});

describe("check() on the real workbook", () => {
  afterEach(() => process.chdir(startDir));

  it("runs an exercise's public tests in a child process and returns the result", async () => {
    process.chdir(join(realRoot, "notebooks"));
    expect(listExercises(realRoot).some((e) => e.id === "05")).toBe(true);
    const result = await check("05");
    expect(result.id).toBe("05");
    expect(result.tests.every((t) => t.visibility === "public")).toBe(true);
    expect(result.maxScore).toBeGreaterThan(0);
    expect(String(result)).toMatch(/^check\("05"\): [\d.]+\/[\d.]+ public points/);
  }, 120_000);
});

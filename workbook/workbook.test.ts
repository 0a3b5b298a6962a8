import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { inspect } from "node:util";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { judge, publicPoints } from "../grader/api";
import { recordLatest } from "../grader/latest";
import { loadExercises } from "../grader/engine/exercises";
import { deriveSeeds, PUBLIC_SEED_KEY } from "../grader/seeds";
import * as lib from "../lib";
import { check, drawCase, hint, listExercises, progress, projectRoot, solution, tryExercise, UsageError } from "./index";
import type { ExerciseReport } from "../grader/api";
import { escapeHtml, exerciseHtml, exerciseText, progressText } from "./render";

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
  // Its graded tests: 2 + 3 public points (a repeated name counts once, as for the grader), 5 hidden.
  const graded = (name: string, points: number, visibility: string) => `graded({ name: "${name}", points: ${points}, visibility: "${visibility}" }, () => {});\n`;
  writeFileSync(join(root, "grader/exercises/07-thing.test.ts"), graded("t", 2, "public") + graded("u", 3, "public") + graded("u", 3, "public") + graded("h", 5, "hidden"));
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

  /** What `call` printed (outside a notebook, helpers print their text with console.log). */
  const printedBy = <T>(call: () => T): { value: T; out: string } => {
    const lines: string[] = [];
    const spy = vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => void lines.push(args.join(" ")));
    try {
      return { value: call(), out: lines.join("\n") };
    } finally {
      spy.mockRestore();
    }
  };

  it("hint()'s last hint points to solution() where the reference solution exists, and not in a student release", () => {
    hint("07");
    hint("07");
    const last = printedBy(() => hint("07")).out;
    expect(last).toContain('That is the last hint. Still stuck? solution("07", { confirm: true }) shows the reference solution.');
    const release = fakeProject(false);
    process.chdir(join(release, "notebooks"));
    for (let i = 0; i < 2; i++) hint("07");
    const inRelease = printedBy(() => hint("07")).out;
    expect(inRelease).toContain("That is the last hint. Still stuck? Ask your instructor");
    expect(inRelease).not.toContain("solution(");
  });

  it('hint(id, { all: true }) shows again every hint seen so far, and reveals none', () => {
    const none = printedBy(() => hint("07", { all: true }));
    expect(none.value).toMatchObject({ number: 0, total: 3, seen: [] });
    expect(none.out).toContain('No hint seen yet: hint("07") shows the first.');
    hint("07");
    hint("07");
    const again = printedBy(() => hint("07", { all: true }));
    expect(again.value).toMatchObject({ id: "07", number: 2, total: 3, seen: ["first", "second"], text: "Hint 1: first\n\nHint 2: second" });
    expect(again.out).toBe('Hints seen: 2 of 3 · 07 A thing\nHint 1: first\nHint 2: second\nhint("07") shows the next one.');
    expect(inspect(again.value)).toBe('hint("07", { all: true }): 2 of 3 hints shown again');
    expect(JSON.parse(readFileSync(join(root, ".cache/hints.json"), "utf8"))).toEqual({ "07": 2 });
    expect(hint("07").text).toBe("third");
    expect(() => hint("07", { every: true } as never)).toThrow('hint(id, options): unknown option "every"; the options are all');
  });

  it("hint() and solution() print their text once: what they return prints as a one-line note", () => {
    const shown = hint("07");
    expect(inspect(shown)).toBe('hint("07"): hint 1 of 3 shown');
    expect(inspect(solution("07", { confirm: true }))).toBe('solution("07"): shown above');
  });

  it("an unknown exercise is a clear error naming the ones that exist", () => {
    expect(() => hint("99")).toThrow(/no exercise "99"; the exercises are "07"/);
  });

  /** What tslab prints for an error a cell throws: console.error shows it with util.inspect. */
  const printed = (error: unknown) => inspect(error);
  const thrownBy = async (call: () => unknown): Promise<unknown> => {
    try {
      await call();
    } catch (error) {
      return error;
    }
    throw new Error("it did not throw");
  };

  it("a mistake in calling a helper prints as its message alone, without stack frames, whichever helper it was", async () => {
    const mistakes: [() => unknown, string][] = [
      [() => check("fencing"), 'no exercise "fencing"; the exercises are "07"'],
      [() => hint("99"), 'no exercise "99"; the exercises are "07"'],
      [() => solution("fencing", { confirm: true }), 'no exercise "fencing"; the exercises are "07"'],
      [() => drawCase("99", 1), 'no exercise "99"; the exercises are "07"'],
      [() => hint(undefined as unknown as string), 'the exercise must be named by its number as a string, such as "05"; got undefined; the exercises are "07"'],
      [() => drawCase("07", 1.5), "drawCase(id, seed): seed must be a whole number, the one check() printed with the failure (or a hand-written case's label, a string); got 1.5"],
      [() => drawCase("07", "957851"), `drawCase(id, seed): seed must be a whole number, the one check() printed with the failure (or a hand-written case's label, a string); got "957851"`],
      [() => drawCase("07", 1, { tset: "x" } as never), 'drawCase(id, seed, options): unknown option "tset"; the options are test, target'],
      [() => solution("07", { confirm: "yes" } as never), "solution(id, options): option confirm must be true or false, got \"yes\""],
      [() => solution("07", true as never), "solution(id, options): options must be an object such as { confirm: … }, got true; the options are confirm"],
      [() => (progress as (...args: unknown[]) => unknown)("07"), 'progress() takes no arguments: it shows every exercise; check("05") grades one'],
    ];
    for (const [call, message] of mistakes) {
      const error = await thrownBy(call);
      expect(error).toBeInstanceOf(UsageError);
      expect((error as Error).message).toBe(message);
      expect((error as Error).stack).toBe(message);
      expect(printed(error)).toBe(message);
      expect(printed(error)).not.toContain("    at ");
    }
  });

  it("tryExercise() loads the student's own exercise file, afresh on each call", async () => {
    const loaded = await tryExercise("07");
    expect(loaded.answer).toBe(41);
    expect(inspect(loaded)).toBe('tryExercise("07"): exercises/07-thing.ts loaded, exporting answer');
    writeFileSync(join(root, "exercises/07-thing.ts"), "export const answer = 42;\n");
    expect((await tryExercise("7")).answer).toBe(42);
  });

  it("tryExercise() gives the file the kernel's own library, and bundles the exercise files it imports", async () => {
    symlinkSync(join(realRoot, "lib"), join(root, "lib"), "dir");
    writeFileSync(join(root, "exercises/08-other.ts"), "export const share = 0.8;\n");
    writeFileSync(
      join(root, "exercises/07-thing.ts"),
      'import { NotImplementedError, simulate } from "../lib";\nimport { share } from "./08-other";\n' +
        "export const same = simulate;\nexport const other = share;\nexport function todo(): never { throw new NotImplementedError(\"07: todo is not implemented yet\"); }\n",
    );
    const loaded = await tryExercise("07");
    expect(loaded.same).toBe(lib.simulate);
    expect(loaded.other).toBe(0.8);
    expect(() => loaded.todo()).toThrow(lib.NotImplementedError);
  });

  it("tryExercise() reports a file that does not compile by its line, without stack frames", async () => {
    writeFileSync(join(root, "exercises/07-thing.ts"), "export const answer = ;\n");
    const error = await thrownBy(() => tryExercise("07"));
    expect(error).toBeInstanceOf(UsageError);
    expect(printed(error)).toMatch(/^exercises\/07-thing\.ts does not compile:\nexercises\/07-thing\.ts:1:\d+: /);
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
    expect(progress().rows).toEqual([expect.objectContaining({ id: "07", state: "not checked yet", score: null, maxScore: 5 })]);
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

  it("progress() says when a check stopped early, and how many tests it did not run", () => {
    const t = (name: string, score: number, notRun?: true) => ({ name, status: score === 2 ? ("passed" as const) : ("failed" as const), score, maxScore: 2, message: notRun ? "not run in this check: ..." : "", visibility: "public" as const, ...(notRun ? { notRun } : {}) });
    recordLatest(root, {
      score: 2, maxScore: 6, target: "exercises", publicOnly: true, hiddenSeeds: "not run", durationMs: 1,
      exercises: [{ id: "07", name: "07-thing", title: "A thing", score: 2, maxScore: 6, file: "exercises/07-thing.ts", tests: [t("a", 2), t("b", 0), t("c", 0, true)] }],
    });
    const [row] = progress().rows;
    expect(row).toMatchObject({ id: "07", score: 2, maxScore: 6, state: "stopped early" });
    expect(row.checked).toMatch(/^checked \d{4}-\d\d-\d\d \d\d:\d\d; 1 test not run \(a case looped or stopped the code\): fix it and check\("07"\) again$/);
    expect(progress().score).toBe(2);
  });

  it("progress() counts an exercise never checked with its public points, so the total's maximum stays the same as you check", () => {
    writeFileSync(join(root, "grader/exercises/08-other.meta.json"), JSON.stringify({ title: "Another", hints: ["a", "b"] }));
    writeFileSync(join(root, "grader/exercises/08-other.test.ts"), 'graded({ name: "o", points: 7, visibility: "public" }, () => {});\n');
    const before = progress();
    expect(before.rows.map((r) => [r.score, r.maxScore])).toEqual([[null, 5], [null, 7]]);
    expect(before).toMatchObject({ score: 0, maxScore: 12 });
    expect(progressText(before.rows, before).split("\n")[0]).toMatch(/^07 {2}A thing {2}\s*–\/5 {2}not checked yet/);
    expect(inspect(before)).toBe("progress(): 0 of 2 exercises done, 0/12 public points");
    const test = (name: string, score: number, maxScore: number) => ({ name, status: "partial" as const, score, maxScore, message: "", visibility: "public" as const });
    recordLatest(root, {
      score: 3, maxScore: 5, target: "exercises", publicOnly: true, hiddenSeeds: "random", durationMs: 1,
      exercises: [{ id: "07", name: "07-thing", title: "A thing", score: 3, maxScore: 5, file: "exercises/07-thing.ts", tests: [test("t", 1, 2), test("u", 2, 3)] }],
    });
    const after = progress();
    expect(after.rows.map((r) => [r.score, r.maxScore])).toEqual([[3, 5], [null, 7]]);
    expect(after).toMatchObject({ score: 3, maxScore: 12 });
  });
});

describe("check()'s table", () => {
  const failed = (name: string, message: string) => ({ name, status: "failed" as const, score: 0, maxScore: 1, message, visibility: "public" as const });
  const exercise = (tests: ReturnType<typeof failed>[], more: Partial<ExerciseReport> = {}): ExerciseReport => ({ id: "07", name: "07-thing", title: "A thing", score: 0, maxScore: tests.length, file: "exercises/07-thing.ts", tests, ...more });

  it("shows a message every test failed with once, above the tests, and a message some share on the first of them", () => {
    const stub = "07: answer is not implemented yet <write it>";
    const all = exercise([failed("t", stub), failed("u", stub), failed("v", stub)]);
    const html = exerciseHtml(all, "footer");
    expect(html.split(escapeHtml(stub))).toHaveLength(2);
    expect(html).toContain(`All 3 tests: ${escapeHtml(stub)}</p><table>`);
    expect(exerciseText(all, "footer").split(stub)).toHaveLength(2);
    const some = exercise([failed("t", "slow"), failed("u", "not run"), failed("v", "not run"), failed("w", "other")]);
    expect(exerciseText(some, "footer").split("\n").filter((l) => l.startsWith("              "))).toEqual(["              slow", "              not run", "              same as above", "              other"]);
    expect(exerciseHtml(some, "footer")).toContain(">same as above</td>");
  });

  it("shows what the student's code printed, labelled as theirs, escaped, with what was left out", () => {
    const ex = exercise([failed("t", "x")], { printed: { text: "debug <b>1</b>\nTotal: 24/24", moreLines: 1294, moreChars: 124607 } });
    const html = exerciseHtml(ex, "footer");
    expect(html).toContain("Printed by your code while the public tests ran (your own output, not the grader's; not graded):");
    expect(html).toContain("debug &lt;b&gt;1&lt;/b&gt;\nTotal: 24/24</pre>");
    expect(html).toContain("… 1,294 more lines (124,607 characters) not shown");
    expect(exerciseText(ex, "footer")).toContain("  │ debug <b>1</b>\n  │ Total: 24/24\n  … 1,294 more lines");
    expect(exerciseHtml(exercise([failed("t", "x")]), "footer")).not.toContain("Printed by your code");
  });
});

describe("the workbook's reading of points", () => {
  it("agrees with the grader's manifest on every exercise's public points", () => {
    const exercises = loadExercises(realRoot);
    expect(exercises.length).toBeGreaterThan(0);
    for (const e of exercises) {
      const expected = Math.round(e.tests.filter((t) => t.visibility === "public").reduce((s, t) => s + t.points, 0) * 100) / 100;
      expect([e.id, publicPoints(realRoot, e.name)]).toEqual([e.id, expected]);
    }
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
    // A cell ending in drawCase(...) prints a one-line note under the diagram, not the run again.
    expect(inspect(focused)).toBe(`drawCase("08", ${seed}): drawn above (monotonic-reads, ${focused!.violation.ops.length} operations)`);
    expect(focused!.violation.guarantee).toBe("monotonic-reads");
    const reads = focused!.violation.ops.map((id) => focused!.source.history.ops.find((op) => op.id === id)).filter((op) => op?.kind === "read");
    // Two reads by one client, the later one seeing an older value.
    expect(reads).toHaveLength(2);
    expect(reads[0]!.client).toBe(reads[1]!.client);
    // A passing case draws nothing and says so.
    expect(await drawCase("08", seed, { target: join(realRoot, "solutions") })).toBeNull();
  }, 180_000);

  it.skipIf(!existsSync(join(realRoot, "grader/variants")))("drawCase() draws a hand-written case named by its label", async () => {
    process.chdir(join(realRoot, "notebooks"));
    const target = mkdtempSync(join(tmpdir(), "rl-draw-label-"));
    cpSync(join(realRoot, "solutions"), target, { recursive: true });
    cpSync(join(realRoot, "grader/variants/01-read-your-writes/trusts-small-lag.ts"), join(target, "01-read-your-writes.ts"));
    const label = "every follower falls behind just as she saves, and she reloads at once and again and again";
    const focused = await drawCase("01", label, { target });
    expect(inspect(focused)).toBe(`drawCase("01", ${JSON.stringify(label)}): drawn above (read-your-writes, ${focused!.violation.ops.length} operations)`);
    expect(focused!.violation.guarantee).toBe("read-your-writes");
  }, 180_000);
});

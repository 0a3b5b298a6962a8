/**
 * The grader against hostile and broken submissions (grader/fixtures/*.ts.txt, each standing in
 * for exercises/05-leader-election.ts): each gets the right score and a clear message, and the
 * whole corpus grades in bounded time. A second run switches static screening off, to show that
 * the runtime defences (separate processes, Node's permission model, the scorer's own channel,
 * redaction, the built-in integrity check) hold on their own.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { loadExercises, selectExercises } from "./engine/exercises";
import { gradeSubmissions } from "./engine/grade";
import { hiddenSeedKey } from "./seeds";
import type { ExerciseReport, GradeReport } from "./engine/report";

const root = resolve(fileURLToPath(new URL(".", import.meta.url)), "..");
const exercises = selectExercises(loadExercises(root), ["05"]);
const SECRET = "hostile-corpus-secret-7f3a9c";
const FORGED = "/tmp/rl-forged";
const RUNTIME_ONLY = ["process-exit", "forged-results", "reads-secret", "patched-math-random"];

let work: string;
const screened = new Map<string, ExerciseReport>();
const unscreened = new Map<string, ExerciseReport>();
const rawUnscreened: GradeReport[] = [];
let elapsedMs = 0;

function stageFixtures(names: string[]) {
  return names.map((name) => {
    const dir = join(work, name);
    mkdirSync(dir, { recursive: true });
    copyFileSync(join(root, "grader/fixtures", `${name}.ts.txt`), join(dir, "05-leader-election.ts"));
    return { dir, display: name };
  });
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "rl-hostile-"));
  rmSync(FORGED, { recursive: true, force: true });
  const names = readdirSync(join(root, "grader/fixtures")).filter((f) => f.endsWith(".ts.txt")).map((f) => f.slice(0, -".ts.txt".length));
  const options = { root, exercises, secret: SECRET, exerciseTimeoutMs: 3_000, timeoutMs: 240_000 };
  const started = Date.now();
  const [withScreen, withoutScreen] = await Promise.all([
    gradeSubmissions(stageFixtures(names), options),
    gradeSubmissions(stageFixtures(RUNTIME_ONLY).map((s) => ({ ...s, display: `${s.display}` })), { ...options, screen: false }),
  ]);
  elapsedMs = Date.now() - started;
  withScreen.forEach((r) => screened.set(r.target, r.exercises[0]));
  withoutScreen.forEach((r) => unscreened.set(r.target, r.exercises[0]));
  rawUnscreened.push(...withoutScreen);
}, 300_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

const messages = (r: ExerciseReport | undefined) => (r ? [r.problem ?? "", ...r.tests.map((t) => t.message)].join("\n") : "");
const test05 = (r: ExerciseReport | undefined, part: string) => r?.tests.find((t) => t.name.includes(part));

describe("a hostile or broken submission gets the right score and a clear message", () => {
  test("a syntax error scores zero with the compiler's message and line", () => {
    const r = screened.get("syntax-error");
    expect(r?.score).toBe(0);
    expect(r?.problem).toMatch(/does not compile[\s\S]*syntax-error\/05-leader-election\.ts:\d+:\d+ error TS1005/);
  });

  test("a signature that no longer fits the grader's calls scores zero, saying so", () => {
    const r = screened.get("type-error");
    expect(r?.score).toBe(0);
    expect(r?.problem).toMatch(/does not fit the exercise's signature[\s\S]*not assignable/);
  });

  test("a module that throws while loading scores zero, with the error and its line", () => {
    const r = screened.get("throws-on-import");
    expect(r?.score).toBe(0);
    for (const t of r!.tests) expect(t.message).toMatch(/failed to load: SyntaxError: .*JSON.*\(at throws-on-import\/05-leader-election\.ts:\d+:\d+\)/);
  });

  test("an infinite loop on one input fails only the tests that meet that input", () => {
    const r = screened.get("infinite-loop");
    expect(test05(r, "returns null when no follower")?.message).toMatch(/never finished: stopped after/);
    expect(test05(r, "promotes the alive follower")?.status).toBe("passed");
    expect(r!.score).toBeGreaterThan(0);
    expect(r!.score).toBeLessThan(r!.maxScore);
  });

  test("an infinite loop at the top level scores zero: loading never finished", () => {
    const r = screened.get("top-level-loop");
    expect(r?.score).toBe(0);
    expect(r?.problem).toMatch(/loading the exercise never finished/);
  });

  test("a promise that never settles fails its case after the case's time limit, and the rest still count", () => {
    const r = screened.get("never-resolves");
    expect(test05(r, "breaks ties by priority")?.message).toMatch(/case "equal logs and priorities": threw CaseTimeout: did not finish within \d+ ms/);
    expect(r!.score).toBeGreaterThan(0);
    expect(r!.score).toBeLessThan(r!.maxScore);
  });

  test("unbounded allocation fails only the test that triggers it", () => {
    const r = screened.get("huge-allocation");
    expect(test05(r, "large clusters")?.message).toMatch(/out of memory|never finished/);
    expect(r!.score).toBe(r!.maxScore - test05(r, "large clusters")!.maxScore);
  });

  test.each([
    ["process-exit", /uses `process`/],
    ["patched-expect", /imports "vitest" \(the test runner\)/],
    ["patched-math-random", /patches the built-in `Math`/],
    ["forged-results", /imports "node:fs"/],
    ["reads-secret", /imports "node:fs"[\s\S]*uses `process`/],
    ["imports-grader", /imports "\.\.\/solutions\/05-leader-election" \(the grader or its answers\)/],
  ])("%s is rejected before running, with the line and the reason", (name, reason) => {
    const r = screened.get(name);
    expect(r?.score).toBe(0);
    expect(r?.problem).toMatch(/^rejected before running/);
    expect(r?.problem).toMatch(reason);
    expect(r?.problem).toMatch(new RegExp(`${name}/05-leader-election\\.ts:\\d+:`));
  });

  test("the whole corpus grades in bounded time", () => {
    expect(screened.size).toBe(readdirSync(join(root, "grader/fixtures")).filter((f) => f.endsWith(".ts.txt")).length);
    expect(elapsedMs).toBeLessThan(240_000);
  });
});

describe("with screening off, the runtime defences still hold", () => {
  test("process.exit in student code fails the cases instead of ending the run", () => {
    const r = unscreened.get("process-exit");
    expect(r?.score).toBe(0);
    expect(messages(r)).toMatch(/process\.exit unexpectedly called/);
  });

  test("a forged results file cannot be written, and printing a perfect report earns nothing", () => {
    const r = unscreened.get("forged-results");
    expect(r?.score).toBe(0);
    expect(messages(r)).toMatch(/restricted/);
    expect(existsSync(FORGED)).toBe(false);
  });

  test("the secret is not in the test worker, its file cannot be read, and derived keys are redacted", () => {
    const r = unscreened.get("reads-secret");
    expect(r?.score).toBe(0);
    expect(messages(r)).toMatch(/no file: Access to this API has been restricted/);
    const everything = JSON.stringify(rawUnscreened);
    expect(everything).not.toContain(SECRET);
    expect(everything).not.toContain(hiddenSeedKey(SECRET, "05"));
    expect(everything).toContain("[redacted]");
  });

  test("a patched Math.random fails every test it ran in", () => {
    const r = unscreened.get("patched-math-random");
    expect(r?.score).toBe(0);
    for (const t of r!.tests) expect(t.message).toMatch(/built-ins were replaced during the test \(Math\.random\)/);
  });
});

describe("submissions graded in one call never share a process", () => {
  test("what one submission leaves in its worker's globals, the next one graded does not see", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rl-shared-worker-"));
    try {
      const solution = readFileSync(join(root, "solutions/05-leader-election.ts"), "utf8");
      const entry = "export function chooseNewLeader(followers: readonly FollowerState[]): string | null {\n";
      expect(solution).toContain(entry);
      // The first submission marks its process; the second gives wrong answers in a marked one.
      const marks = solution.replace(entry, `(globalThis as Record<string, unknown>).rlMark = "left by the first";\n${entry}`);
      const reads = solution.replace(entry, `${entry}  if ((globalThis as Record<string, unknown>).rlMark) return null;\n`);
      const staged = [marks, reads].map((text, i) => {
        const sub = join(dir, `s${i}`);
        mkdirSync(sub);
        writeFileSync(join(sub, "05-leader-election.ts"), text);
        return { dir: sub, display: `s${i}` };
      });
      // One test worker: were processes shared, the second submission would run in the first's.
      const [first, second] = await gradeSubmissions(staged, { root, exercises, screen: false, maxWorkers: 1 });
      expect(first.score).toBe(first.maxScore);
      expect(second.score).toBe(second.maxScore);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

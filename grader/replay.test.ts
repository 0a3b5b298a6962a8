/**
 * The replay command draws a failing case: a known-wrong router's read-your-writes violation
 * comes out as a space-time diagram of the operations involved, and so does a deposed leader's
 * write a fencing store let through; a failure that is not about a few
 * operations of a run (leader election is a pure function) says it cannot be drawn.
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, test } from "vitest";
import { parseFocused } from "../lib/charts/focus";
import { deriveSeeds, PUBLIC_SEED_KEY } from "./seeds";
import { compact } from "./engine/score";
import { AIMED_CLUSTERS, aimedCluster } from "./exercises/05-leader-election.support";
import { turnOf } from "./search/aims";

const ROOT = resolve(fileURLToPath(new URL(".", import.meta.url)), "..");
const work = mkdtempSync(join(tmpdir(), "rl-replay-test-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** solutions/ with one exercise swapped for a known-wrong variant. */
function submissionWith(exercise: string, variant: string): string {
  const dir = join(work, `${exercise}-${variant}`);
  cpSync(join(ROOT, "solutions"), dir, { recursive: true });
  cpSync(join(ROOT, "grader/variants", exercise, `${variant}.ts`), join(dir, `${exercise}.ts`));
  return dir;
}

function replay(args: string[]): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [join(ROOT, "node_modules/tsx/dist/cli.mjs"), join(ROOT, "grader/replay.ts"), ...args], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 120_000,
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe("replay --draw", () => {
  test("draws the failing case of the test its seed came from, around the operations that broke the rule", () => {
    const target = submissionWith("01-read-your-writes", "trusts-small-lag");
    const testName = "clients read their own writes across a leader failover";
    const [seed] = deriveSeeds(PUBLIC_SEED_KEY, "01", testName, 3);
    const svg = join(work, "case.svg");
    const json = join(work, "out/case.json");
    const drawnSvg = replay(["01", "--seed", String(seed), "--target", target, "--draw", svg]);
    expect(drawnSvg.status).toBe(1);
    expect(drawnSvg.out).toContain("(a case of this test)");
    expect(drawnSvg.out).toMatch(new RegExp(`Drew seed ${seed} of "${testName}"`));
    expect(readFileSync(svg, "utf8")).toMatch(/^<svg[\s\S]*read-your-writes[\s\S]*<\/svg>\s*$/);

    const drawnJson = replay(["01", "--seed", String(seed), "--target", target, "--draw", json, "--test", "failover"]);
    expect(drawnJson.out).toContain("Drew");
    const saved = JSON.parse(readFileSync(json, "utf8")) as { exercise: string; test: string; case: string; focused: unknown };
    expect(saved).toMatchObject({ exercise: "01", test: testName, case: `seed ${seed}` });
    const focused = parseFocused(saved.focused);
    const ids = focused.source.history.ops.map((op) => op.id);
    // The read that missed its client's write, and that write, under their ids in the full run.
    expect(ids).toEqual(expect.arrayContaining(focused.violation.ops.slice(0, 2)));
    const [read, write] = focused.violation.ops.slice(0, 2).map((id) => focused.source.history.ops.find((op) => op.id === id)!);
    expect(read.kind).toBe("read");
    expect(write).toMatchObject({ kind: "write", client: read.client, acknowledged: true });
    expect(ids.length).toBeLessThanOrEqual(40);
  }, 120_000);

  test("draws a deposed leader's write that a store let through, with the newer leader's write it should have lost to", () => {
    const target = submissionWith("06-fencing", "per-key-tokens");
    const json = join(work, "fencing.json");
    const r = replay(["06", "--seed", "1", "--target", target, "--test", "simulated failovers", "--draw", json]);
    expect(r.status).toBe(1);
    expect(r.out).toContain("Drew seed 1");
    const saved = JSON.parse(readFileSync(json, "utf8")) as { focused: unknown };
    const focused = parseFocused(saved.focused);
    expect(focused.violation.guarantee).toBe("fencing");
    const [stale, newer] = focused.violation.ops.map((id) => focused.source.history.ops.find((op) => op.id === id)!);
    // Two writes accepted by two different leaders: the older epoch's write came after the newer epoch's.
    expect(stale).toMatchObject({ kind: "write" });
    expect(newer).toMatchObject({ kind: "write" });
    if (stale.kind !== "write" || newer.kind !== "write") return;
    expect(stale.node).not.toBe(newer.node);
    expect(stale.epoch).toBeLessThan(newer.epoch);
    expect(stale.acceptedMs!).toBeGreaterThan(newer.acceptedMs!);
  }, 120_000);

  test("says why a failure that is not about a run's operations cannot be drawn, and draws nothing", () => {
    const target = submissionWith("05-leader-election", "ignores-crashed");
    const file = join(work, "never.png");
    const r = replay(["05", "--case", "the most complete log is on a crashed follower", "--target", target, "--draw", file]);
    expect(r.status).toBe(1);
    expect(r.out).toContain("a crashed follower is never promoted");
    expect(r.out).toContain("This failure cannot be drawn as a space-time diagram");
    expect(existsSync(file)).toBe(false);
  }, 120_000);

  test("refuses a drawing file it cannot write, before running anything", () => {
    const r = replay(["01", "--seed", "1", "--draw", "case.txt"]);
    expect(r.status).toBe(2);
    expect(r.out).toMatch(/must end in \.svg, \.png, \.html, \.json/);
  });
});

describe("replay --test", () => {
  test("runs only the test a seed came from, where without it every seeded test runs the seed", () => {
    const target = submissionWith("01-read-your-writes", "trusts-small-lag");
    const testName = "clients read their own writes across a leader failover";
    const other = "clients read their own writes while one follower is very slow";
    const [seed] = deriveSeeds(PUBLIC_SEED_KEY, "01", testName, 3);
    const all = replay(["01", "--seed", String(seed), "--target", target]);
    expect(all.out).toContain(`\n${testName}\n`);
    expect(all.out).toContain(`\n${other}\n`);
    const one = replay(["01", "--seed", String(seed), "--target", target, "--test", "across a leader failover"]);
    expect(one.status).toBe(1);
    expect(one.out).toContain(`\n${testName}\n`);
    expect(one.out).toContain("(a case of this test)");
    expect(one.out).not.toContain(`\n${other}\n`);
    expect(one.out).toContain("Only this test ran (--test); 11 other tests of 01 did not.");
  }, 240_000);

  test("a seed of an aimed kind replays as itself: the seed asked for, not the one before it of the first kind", () => {
    // 05's hidden clusters take turns at the kinds of AIMED_CLUSTERS, the kind read from the seed.
    const seed = AIMED_CLUSTERS.length * 1000 + 1;
    expect(turnOf(seed, AIMED_CLUSTERS.length)).toBe(1);
    const r = replay(["05", "--seed", String(seed), "--target", "solutions", "--test", "picks a correct leader in random clusters (hidden seeds)"]);
    expect(r.out).toContain(`seed ${seed}\n`);
    expect(r.out).not.toContain(`seed ${seed - 1}`);
    expect(r.out).toContain(`followers: ${compact(aimedCluster(seed), 4000)}`);
    expect(r.status).toBe(0);
  }, 120_000);

  test("names the exercise's tests when none matches, before grading anything", () => {
    const r = replay(["01", "--seed", "1", "--test", "no such test"]);
    expect(r.status).toBe(1);
    expect(r.out).toContain(`No test's name contains "no such test". The exercise's tests: "the text's example`);
  }, 120_000);
});

describe("replay shows what the code printed", () => {
  test("after the verdict, under a heading, each line marked as the code's", () => {
    const target = join(work, "prints");
    cpSync(join(ROOT, "solutions"), target, { recursive: true });
    cpSync(join(ROOT, "grader/fixtures/05-prints-inputs.ts.txt"), join(target, "05-leader-election.ts"));
    const r = replay(["05", "--case", "equal logs and priorities", "--target", target]);
    expect(r.status).toBe(0);
    const [verdict, printed] = r.out.split("\nPrinted by your code while the case ran (not graded):\n");
    expect(verdict).toContain("This case passes now.");
    expect(printed.trimEnd().split("\n").length).toBeGreaterThan(0);
    for (const line of printed.trimEnd().split("\n")) expect(line).toMatch(/^ {2}\| /);
  }, 120_000);
});

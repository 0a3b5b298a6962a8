/**
 * Cases added for exercises 01 and 08 against answers that had full marks:
 * - 01: the scene where every follower stays half an hour behind alice's save fails a router that
 *   trusts followers again 3 s after a write (the lag the text names for the other long scene);
 *   the search's new first failover fails a router that stops comparing positions once the leader
 *   changes, which only the search's random failovers met, under most secrets but not all, and
 *   the next one a router that goes back to lastReadNode, which a random run met only sometimes.
 * - 08: the trap where the next follower trails what alice saw by a single write fails a router
 *   that moves to a follower one entry short; the trap where the leader answers her read held by
 *   a crash 100 ms later fails routers that trust a follower once checked, or while her last read
 *   was answered there. Both on every hidden shift of the trap.
 * The reference and the alternatives pass them all.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { judgeSave, rywSearch, SAVE_CASES } from "../exercises/01-read-your-writes.support";
import { aimedTrap, judgeTrap, stickySearch, TRAPS } from "../exercises/08-monotonic-reads.support";
import { inProcess } from "../fixtures/router-log";

const root = join(__dirname, "..", "..");
const files = (folder: string) => readdirSync(join(root, folder)).map((name) => join(root, folder, name));

describe("01: a follower half an hour behind, and a failover tried first by the search", () => {
  const halfHour = SAVE_CASES.find((k) => k.label.startsWith("every follower stays half an hour behind"))!;
  const right = [join(root, "solutions/01-read-your-writes.ts"), ...files("grader/alternatives/01-read-your-writes")];
  const variant = (name: string) => join(root, "grader/variants/01-read-your-writes", name);
  const failsFirst = async (file: string) => {
    const search = rywSearch(inProcess(file) as never, 25);
    const verdicts = [];
    for (const k of search.first!) verdicts.push((await search.judge(k, () => {})) !== null);
    return verdicts;
  };

  test.each(["trust-after-3s.ts", "trust-after-2500ms.ts", "trust-after-a-second.ts"])("the half-hour scene fails %s", async (name) => {
    expect((await judgeSave(inProcess(variant(name)) as never, halfHour, () => {}))?.rule).toMatch(/^read-your-writes/);
  });

  test.each(["forgets-position-on-new-leader.ts", "trusts-last-read-node.ts"])("the search's first candidates fail %s", async (name) => {
    expect((await failsFirst(variant(name))).some(Boolean)).toBe(true);
  });

  test.each(right)("%s passes the half-hour scene and every first candidate of the search", async (file) => {
    expect(await judgeSave(inProcess(file) as never, halfHour, () => {})).toBeNull();
    expect((await failsFirst(file)).some(Boolean)).toBe(false);
  });
});

describe("08: moving one entry short, and a read the leader answers late", () => {
  const kindOf = (label: string) => 1 + TRAPS.findIndex((t) => t.label.startsWith(label));
  const singleWrite = kindOf("her follower crashes for good while the next one trails");
  const heldRead = kindOf("her follower crashes with her read in flight");
  const seeds = Array.from({ length: 40 }, (_, i) => i + 1);
  const right = [join(root, "solutions/08-monotonic-reads.ts"), ...files("grader/alternatives/08-monotonic-reads")];
  const variant = (name: string) => join(root, "grader/variants/08-monotonic-reads", name);
  /** The seeds (hidden cases of `kind`) on which the router of `file` passes, and those on which it fails. */
  const verdicts = async (file: string, kind: number) => {
    const answer = inProcess(file) as never;
    const failing: number[] = [];
    const passing: number[] = [];
    for (const seed of seeds) ((await judgeTrap(answer, aimedTrap(seed, kind), () => {})) ? failing : passing).push(seed);
    return { failing, passing };
  };

  test("the hidden shifts of both traps are many", () => {
    const label = (kind: number) => new Set(seeds.map((seed) => aimedTrap(seed, kind).label)).size;
    expect(label(singleWrite)).toBeGreaterThan(30);
    expect(label(heldRead)).toBeGreaterThan(30);
  });

  test.each(["moves-one-entry-short.ts", "caught-up-check-off-by-one.ts", "min-lsn-one-short.ts"])("the single-write trap fails %s on every shift", async (name) => {
    expect((await verdicts(variant(name), singleWrite)).passing).toEqual([]);
  });

  test.each(["min-lsn-only-after-another-node.ts", "checks-only-after-a-crash.ts", "follows-last-read-node.ts"])("the held-read trap fails %s on every shift", async (name) => {
    expect((await verdicts(variant(name), heldRead)).passing).toEqual([]);
  });

  test.each(right)("%s passes both traps on every shift", async (file) => {
    expect((await verdicts(file, singleWrite)).failing).toEqual([]);
    expect((await verdicts(file, heldRead)).failing).toEqual([]);
  });

  /** The search's verdict on each of its first candidates, which every secret tries. */
  const firstVerdicts = async (file: string) => {
    const search = stickySearch(inProcess(file) as never, 25);
    const failed: boolean[] = [];
    for (const k of search.first!) failed.push((await search.judge(k, () => {})) !== null);
    return failed;
  };

  test.each(["moves-one-entry-short.ts", "checks-only-after-a-crash.ts", "min-lsn-only-after-another-node.ts"])(
    "the search's first candidates fail %s, so its verdict is the same under every secret",
    async (name) => {
      expect((await firstVerdicts(variant(name))).some(Boolean)).toBe(true);
    },
  );

  test.each(right)("%s passes every first candidate of the search", async (file) => {
    expect((await firstVerdicts(file)).some(Boolean)).toBe(false);
  });
});

/**
 * Cases added for exercises 01 and 08 against answers that had full marks:
 * - 01: the half-hour scene against routers that trust followers again after a count of reads:
 *   with 25 reloads, one that trusted them after 300 reads since the client's last write had full
 *   marks (the seeded workloads never keep a client reading that long while a follower lacks its
 *   write). Now she reloads every millisecond for the first second, then ever more rarely, so any
 *   count below a thousand fails the scene, as do the waits and the long pauses between reads it
 *   caught before (reloads spread evenly, every 2 s, let a router that trusts followers after a
 *   pause of 5 s through).
 * - 08: the first trap, where alice's follower comes back behind what she saw on the leader,
 *   against a router that asks for what she saw only when a key is read right after itself: she
 *   now reads a post and its comments as one page, so it never asks there; and against a router
 *   that trusts her follower again after a pause: her follower then falls 1,000 s behind while
 *   she pauses ever longer between reads; and against a router that asks for it only for a page's
 *   first key (its other keys follow that one to the same follower without it). Each fails it on
 *   every hidden shift.
 * The reference and the alternatives pass them.
 */
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { judgeSave, SAVE_CASES } from "../exercises/01-read-your-writes.support";
import { aimedTrap, judgeTrap, TRAPS } from "../exercises/08-monotonic-reads.support";
import { rightAnswers, variant } from "../fixtures/answers";
import { inProcess } from "../fixtures/router-log";

const EXERCISE = "01-read-your-writes";
const halfHour = SAVE_CASES.find((k) => k.label.startsWith("every follower stays half an hour behind"))!;
/** Exercise 08: 20 hidden seeds of trap kind `kind` (1 and up). */
const seeds = Array.from({ length: 20 }, (_, i) => i + 1);

/** The seeds of `seeds` on which the router of `file` fails the trap of kind `kind`, moved as a hidden case of that seed. */
async function failingShifts(file: string, kind: number): Promise<number[]> {
  const answer = inProcess(file) as never;
  const out: number[] = [];
  for (const seed of seeds) if (await judgeTrap(answer, aimedTrap(seed, kind), () => {})) out.push(seed);
  return out;
}

const fails = async (file: string) => (await judgeSave(inProcess(file) as never, halfHour, () => {}))?.rule ?? null;

describe("01: the half-hour scene reloads every millisecond for a second, then ever more rarely", () => {
  test("the scene's label says how often she reloads", () => {
    expect(halfHour.label).toContain("every millisecond for a second");
  });

  test.each(["trust-after-300-reads", "trust-after-idle-5s", "trust-after-3s", "trust-after-a-second"])("it fails %s", async (name) => {
    expect(await fails(variant(EXERCISE, name))).toMatch(/^read-your-writes/);
  });

  test("the variant's count is below the scene's reloads", () => {
    const count = Number(/TRUST_AFTER_READS = (\d+)/.exec(readFileSync(variant(EXERCISE, "trust-after-300-reads"), "utf8"))![1]);
    expect(count).toBeGreaterThanOrEqual(300);
    expect(count).toBeLessThan(1000);
  });

  test.each(rightAnswers(EXERCISE))("%s passes it", async (file) => {
    expect(await fails(file)).toBeNull();
  });
});

describe("08: the first trap, where she reads a post and its comments as one page", () => {
  const exercise = "08-monotonic-reads";
  const comesBack = 1 + TRAPS.findIndex((t) => t.label.startsWith("her follower crashes and comes back behind what she saw on the leader"));
  const failing = (file: string) => failingShifts(file, comesBack);

  test("she reads two keys in every read", () => {
    const reads = TRAPS[comesBack - 1].scene("A").workload!.script!.filter((op) => op.kind === "read" && op.client === "alice");
    expect(reads.every((op) => op.kind === "read" && op.keys.length === 2)).toBe(true);
  });

  test("her pauses grow from 10 ms to over 5 minutes, all before her follower catches up", () => {
    const reads = TRAPS[comesBack - 1].scene("A").workload!.script!.filter((op) => op.kind === "read" && op.client === "alice" && op.atMs >= 1000);
    const pauses = reads.map((op, i) => op.atMs - (i === 0 ? 996 : reads[i - 1].atMs));
    expect(pauses[0]).toBe(10);
    expect(Math.max(...pauses)).toBeGreaterThan(300_000);
    expect(reads[reads.length - 1].atMs).toBeLessThan(1_000_000);
  });

  test.each(["min-lsn-only-on-same-key-again", "trusts-follower-after-a-pause", "page-keys-follow-first-key"])("the public trap and every hidden shift of it fail %s", async (name) => {
    const answer = inProcess(variant(exercise, name)) as never;
    expect((await judgeTrap(answer, TRAPS[comesBack - 1], () => {}))?.rule).toMatch(/^monotonic reads/);
    expect(await failing(variant(exercise, name))).toEqual(seeds);
  });

  test.each(rightAnswers(exercise))("%s passes the public trap and every hidden shift of it", async (file) => {
    expect(await judgeTrap(inProcess(file) as never, TRAPS[comesBack - 1], () => {})).toBeNull();
    expect(await failing(file)).toEqual([]);
  });
});

describe("08: the third trap, where her follower comes back first, slower, and passes the next one", () => {
  const exercise = "08-monotonic-reads";
  const kind = 1 + TRAPS.findIndex((t) => t.label.startsWith("her follower crashes, then the next most up-to-date one while she is on it"));
  const failing = (file: string) => failingShifts(file, kind);

  test("the public trap and every hidden shift of it fail back-to-first-when-as-advanced", async () => {
    const answer = inProcess(variant(exercise, "back-to-first-when-as-advanced")) as never;
    expect((await judgeTrap(answer, TRAPS[kind - 1], () => {}))?.rule).toMatch(/^monotonic reads/);
    expect(await failing(variant(exercise, "back-to-first-when-as-advanced"))).toEqual(seeds);
  });

  test.each(rightAnswers(exercise))("%s passes the public trap and every hidden shift of it", async (file) => {
    expect(await judgeTrap(inProcess(file) as never, TRAPS[kind - 1], () => {})).toBeNull();
    expect(await failing(file)).toEqual([]);
  });
});

/**
 * Exercise 01's half-hour scene against routers that trust followers again after a count of reads:
 * with 25 reloads, one that trusted them after 300 reads since the client's last write had full
 * marks (the seeded workloads never keep a client reading that long while a follower lacks its
 * write). Now she reloads a thousand times, so any count below that fails the scene, as do the
 * waits it caught before; the reference and the alternatives still pass it.
 */
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { judgeSave, SAVE_CASES } from "../exercises/01-read-your-writes.support";
import { rightAnswers, variant } from "../fixtures/answers";
import { inProcess } from "../fixtures/router-log";

const EXERCISE = "01-read-your-writes";
const halfHour = SAVE_CASES.find((k) => k.label.startsWith("every follower stays half an hour behind"))!;
const fails = async (file: string) => (await judgeSave(inProcess(file) as never, halfHour, () => {}))?.rule ?? null;

describe("01: the half-hour scene reloads a thousand times", () => {
  test("the scene's label says how often she reloads", () => {
    expect(halfHour.label).toContain("a thousand times");
  });

  test.each(["trust-after-300-reads", "trust-after-3s", "trust-after-a-second"])("it fails %s", async (name) => {
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

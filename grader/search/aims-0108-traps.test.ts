/**
 * Cases added for exercises 01 and 08 against answers that had full marks under most secrets:
 * - 01: a router that remembers a follower holding the client's last write by its place in
 *   ctx.followers, which a failover changes: the search now tries first a failover that promotes
 *   the last follower listed while the others lack the client's write (random failovers met that
 *   under most secrets, not all);
 * - a router that asks its follower for the entry after what the client saw and waits there for
 *   it (`minLsn: lastReadLsn + 1, ifBehind: "wait"`): every read of alice's came before the
 *   writer's last write, so the entry always came. The traps' default reads now end with two a
 *   second after the writes stop, and the second never gets an answer from such a router;
 * - a router that trusts a follower less than 2 ms behind the leader (`lagMs`) without a minimum
 *   position: only random runs had a client read twice within that of a write it saw on the
 *   leader. The new last trap brings her follower back 0.15 ms after such a write while she reads
 *   every 0.1 ms; it fails every hidden shift of it, and the search tries it first;
 * - a router that trusts a follower lagging less than the time since it last routed one of the
 *   client's reads: the tenth trap is the held-read trap with alice quiet for 33.5 ms before the
 *   leader's late answer reaches her, longer than her new follower lags;
 * - a router that trusts its follower when it served the client's last read and the client has
 *   seen nothing new since the router last routed one: the held-read trap now has her read just
 *   after the leader's late answer is sent and again once it has reached her.
 * The reference and the alternatives pass them all.
 */
import { describe, expect, test } from "vitest";
import { rywSearch } from "../exercises/01-read-your-writes.support";
import { aimedTrap, FINAL_READS_MS, FRESH_RETURN_TRAP, judgeTrap, QUIET_HELD_READ_TRAP, stickySearch, TRAPS, trapScene } from "../exercises/08-monotonic-reads.support";
import { rightAnswers, variant } from "../fixtures/answers";
import { inProcess } from "../fixtures/router-log";

const EXERCISE = "08-monotonic-reads";
/** 20 hidden seeds of a trap kind: each moves the trap by its own shift. */
const seeds = Array.from({ length: 20 }, (_, i) => i + 1);

/** The indices in TRAPS of the traps the router of `file` fails (public, unmoved). */
async function failingTraps(file: string): Promise<number[]> {
  const answer = inProcess(file) as never;
  const out: number[] = [];
  for (const [i, trap] of TRAPS.entries()) if (await judgeTrap(answer, trap, () => {})) out.push(i);
  return out;
}

/** The seeds of `seeds` on which the router of `file` fails trap `index`, moved as a hidden case of that seed. */
async function failingShifts(file: string, index: number): Promise<number[]> {
  const answer = inProcess(file) as never;
  const out: number[] = [];
  for (const seed of seeds) if (await judgeTrap(answer, aimedTrap(seed, index + 1), () => {})) out.push(seed);
  return out;
}

/** The search's verdict on each of its first candidates, which every secret tries. */
async function firstVerdicts(file: string): Promise<boolean[]> {
  const search = stickySearch(inProcess(file) as never, 25);
  const failed: boolean[] = [];
  for (const k of search.first!) failed.push((await search.judge(k, () => {})) !== null);
  return failed;
}

describe("01: a follower remembered by its place in ctx.followers", () => {
  const exercise = "01-read-your-writes";
  /** The search's verdict on each of its first candidates, which every secret tries. */
  const firstVerdicts = async (file: string) => {
    const search = rywSearch(inProcess(file) as never, 25);
    const failed: boolean[] = [];
    for (const k of search.first!) failed.push((await search.judge(k, () => {})) !== null);
    return failed;
  };

  test("the search's last first candidate fails reuses-follower-index", async () => {
    expect((await firstVerdicts(variant(exercise, "reuses-follower-index"))).at(-1)).toBe(true);
  });

  test.each(rightAnswers(exercise))("%s passes every first candidate of the search", async (file) => {
    expect((await firstVerdicts(file)).some(Boolean)).toBe(false);
  });
});

describe("08: reads after the writer's last write", () => {
  /** Traps built on the default reads, which end with FINAL_READS_MS. */
  const defaultReads = TRAPS.map((t, i) => ({ t, i })).filter(({ t }) => {
    const script = t.scene("A").workload!.script!;
    const lastWrite = Math.max(...script.filter((op) => op.kind === "write").map((op) => op.atMs));
    const reads = script.filter((op) => op.kind === "read" && op.client === "alice").map((op) => op.atMs - lastWrite);
    return reads.length > 2 && reads[reads.length - 2] > 900 && reads[reads.length - 1] - reads[reads.length - 2] === FINAL_READS_MS[1] - FINAL_READS_MS[0];
  });

  test("the default reads end with two a second after the writes stop", () => {
    const script = trapScene("A", [60, 90], () => []).workload!.script!;
    const lastWrite = Math.max(...script.filter((op) => op.kind === "write").map((op) => op.atMs));
    const reads = script.filter((op) => op.kind === "read").map((op) => op.atMs);
    expect(reads.slice(-2).map((t) => t - 1200)).toEqual(FINAL_READS_MS);
    expect(reads[reads.length - 2] - lastWrite).toBeGreaterThan(900);
    expect(defaultReads.map(({ i }) => i)).toEqual([1, 2, 3, 4, 6]);
  });

  test("waits-for-next-entry leaves a read unanswered in every trap on the default reads, and in a first candidate of the search", async () => {
    const file = variant(EXERCISE, "waits-for-next-entry");
    const answer = inProcess(file) as never;
    for (const { t } of defaultReads) expect((await judgeTrap(answer, t, () => {}))?.rule).toBe("every read gets an answer");
    expect((await firstVerdicts(file)).some(Boolean)).toBe(true);
  });

  test.each(defaultReads.map(({ i }) => i))("waits-for-next-entry fails every hidden shift of trap %i", async (i) => {
    expect(await failingShifts(variant(EXERCISE, "waits-for-next-entry"), i)).toEqual(seeds);
  });
});

/** Variant `name` fails public trap `trap` alone of the traps, every hidden shift of it, and a first candidate of the search. */
function onlyTrapCatches(name: string, trap: number) {
  test(`${name} fails the public trap, every hidden shift of it and a first candidate of the search`, async () => {
    const file = variant(EXERCISE, name);
    expect(await failingTraps(file)).toEqual([trap]);
    expect(await failingShifts(file, trap)).toEqual(seeds);
    expect((await firstVerdicts(file)).some(Boolean)).toBe(true);
  });
}

describe("08: her follower back a fraction of a millisecond behind a write she saw on the leader", () => {
  test("the trap is the ninth, and the search tries it first", () => {
    expect(FRESH_RETURN_TRAP).toBe(8);
    expect(TRAPS[FRESH_RETURN_TRAP].label).toMatch(/^her follower comes back from a crash 0.15 ms after a write/);
    expect(stickySearch(inProcess(variant(EXERCISE, "always-leader")) as never, 25).first!.some((k) => k.trap === FRESH_RETURN_TRAP)).toBe(true);
  });

  onlyTrapCatches("trusts-follower-under-2ms-lag", FRESH_RETURN_TRAP);
});

describe("08: the held read answered late while she has not read for longer than her follower lags", () => {
  test("the trap is the last one, and the search tries it first", () => {
    expect(QUIET_HELD_READ_TRAP).toBe(TRAPS.length - 1);
    expect(stickySearch(inProcess(variant(EXERCISE, "always-leader")) as never, 25).first!.some((k) => k.trap === QUIET_HELD_READ_TRAP)).toBe(true);
  });

  test("her read before the leader's answer and the next one are more than 30 ms apart", () => {
    const reads = TRAPS[QUIET_HELD_READ_TRAP].scene("A").workload!.script!.filter((op) => op.kind === "read" && op.client === "alice").map((op) => op.atMs);
    const after = reads.findIndex((t) => t > 500.5);
    expect(reads[after] - reads[after - 1]).toBeGreaterThan(30);
  });

  onlyTrapCatches("trusts-follower-lagging-less-than-last-read", QUIET_HELD_READ_TRAP);
});

describe("08: reads around the leader's late answer in the held-read trap", () => {
  const held = 1 + TRAPS.findIndex((t) => t.label.startsWith("her follower crashes with her read in flight; she moves to a follower 15 ms behind, and the leader"));

  test("she reads just after the answer is sent and again after it has reached her", () => {
    const reads = TRAPS[held - 1].scene("A").workload!.script!.filter((op) => op.kind === "read" && op.client === "alice").map((op) => op.atMs);
    expect(reads.filter((t) => t > 500 && t < 502)).toEqual([500.25, 500.6, 501.25]);
  });

  test.each(["plain-when-nothing-new-seen", "min-lsn-only-after-another-node", "checks-only-after-a-crash", "follows-last-read-node"])(
    "the public held-read trap and every hidden shift of it fail %s",
    async (name) => {
      const file = variant(EXERCISE, name);
      expect((await judgeTrap(inProcess(file) as never, TRAPS[held - 1], () => {}))?.rule).toMatch(/^monotonic reads/);
      expect(await failingShifts(file, held - 1)).toEqual(seeds);
    },
  );

  test("the search's first candidates fail plain-when-nothing-new-seen", async () => {
    expect((await firstVerdicts(variant(EXERCISE, "plain-when-nothing-new-seen"))).some(Boolean)).toBe(true);
  });
});

describe.each(rightAnswers(EXERCISE))("%s", (file) => {
  test("passes every trap, and every hidden shift of the new ones and of those on the default reads", async () => {
    expect(await failingTraps(file)).toEqual([]);
    for (const i of [FRESH_RETURN_TRAP, QUIET_HELD_READ_TRAP, 7, 1, 6]) expect(await failingShifts(file, i)).toEqual([]);
  });

  test("passes every first candidate of the search", async () => {
    expect((await firstVerdicts(file)).some(Boolean)).toBe(false);
  });
});

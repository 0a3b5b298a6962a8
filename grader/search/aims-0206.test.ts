/**
 * Exercise 06: a store that forgets. Every stream but one is short (random and probing streams
 * under a hundred writes) or rewrites its few keys all the time (simulated failovers), so a store
 * that keeps only its last thousand writes, its last 1,024 keys, or the tokens of its last
 * thousand writes answered every one of them right and had full marks. The long hand-made stream
 * (`LONG_CASES`, the same under every secret) fails each such variant and no right answer. A
 * hand-made stream of strings kept exactly (an empty key, a value with spaces around it, keys in
 * two Unicode forms, keys of 301 characters that differ in the last, a value of 1,000) fails a
 * store that rejects the empty key, trims values, normalizes keys, cuts keys to 64 characters or
 * values to 255. One more hand-made stream jumps from token 1 to Number.MAX_SAFE_INTEGER (a
 * store that rejects a token a thousand times the highest had full marks).
 *
 * Exercise 02: acknowledgements far out of order. The simulated runs' acknowledgements came at most
 * a few milliseconds out of index order, so a scan that stops at the first write acknowledged 10
 * ms past the crash, or after 20 late ones in a row, had full marks (or lost the search's points
 * under some secrets only). The hidden aimed asynchronous runs now hold one client response in ten
 * 20-60 ms, and each hidden run is asked about the write acknowledged longest before an earlier
 * one; a public hand-made table has 120 writes acknowledged long after the crash before one
 * acknowledged before it. No simulated run has a write received and never applied, so an answer
 * that counts such a write as lost had full marks; a public hand-made table has three.
 */
import { join } from "node:path";
import { describe, expect, test, vi } from "vitest";
import { simulate } from "../../lib";
import { AIMED_LOSS_CONFIGS, HAND_CASES as LOSS_CASES, boundaryProbes, checkLost, probesFor, type RunWrites } from "../exercises/02-data-loss-window.support";
import {
  HAND_CASES,
  LONG_CASES,
  LONG_RUN,
  PROBING_STREAMS,
  RANDOM_STREAMS,
  expectedOutcomes,
  failoverStream,
  judgeStreams,
  longStream,
  streamSteps,
  type TokenWrite,
} from "../exercises/06-fencing.support";
import { rightAnswers, ROOT, variant } from "../fixtures/answers";
import type { StepResults } from "../student";

const FENCING = join(ROOT, "grader", "variants", "06-fencing");
const RIGHT = rightAnswers("06-fencing");

type Methods = Record<string, (...args: unknown[]) => unknown>;

/** The first rule `file`'s stores break on `writes`, asked in this process step by step as the sandbox asks (a fresh module). */
async function verdict(file: string, writes: readonly TokenWrite[]) {
  vi.resetModules();
  const module = (await import(file)) as Methods;
  const stores = new Map<string, Methods>();
  const answers = streamSteps(writes).map((step) => {
    const got = "call" in step ? module[step.call](...step.args) : stores.get(step.invoke)![step.method](...step.args);
    if (step.keep) stores.set(step.keep, got as Methods);
    return got;
  });
  return judgeStreams(writes, { values: answers, argsAfter: [] } as unknown as StepResults);
}

/** Every stream a store met before the long one: the hand-made ones, 20 seeds of each random and probing kind, 4 failovers. */
const SHORTER = [
  ...HAND_CASES.map((k) => k.writes),
  ...[RANDOM_STREAMS, PROBING_STREAMS].flatMap((kinds) => kinds.flatMap((kind) => Array.from({ length: 20 }, (_, i) => kind(i * 7_919 + 5)))),
  ...[1, 2, 3, 4].map((seed) => failoverStream(seed).writes),
];

const FORGETFUL = ["keeps-last-writes", "fences-with-recent-tokens", "evicts-oldest-keys"];
const STRINGS = HAND_CASES.find((k) => k.label.startsWith("keys and values are any strings"))!.writes;

describe("06: a long stream", () => {
  test.each(FORGETFUL)("variant %s passes every shorter stream, and fails the long one", async (name) => {
    const file = join(FENCING, `${name}.ts`);
    for (const [i, writes] of SHORTER.entries()) expect(await verdict(file, writes), `stream ${i}`).toBeNull();
    expect(await verdict(file, LONG_CASES[0].writes)).not.toBeNull();
  });

  test.each(RIGHT)("right answer %s passes the long stream and the stream of strings kept exactly", async (file) => {
    expect(await verdict(file, LONG_CASES[0].writes)).toBeNull();
    expect(await verdict(file, STRINGS)).toBeNull();
  });

  /** Checks that variant `name` fails `target` and passes every other stream, the long one included, and that the right answers pass `target`. */
  const failsOnly = async (name: string, target: readonly TokenWrite[]) => {
    const file = join(FENCING, `${name}.ts`);
    for (const [i, writes] of [...SHORTER.filter((w) => w !== target), LONG_CASES[0].writes].entries()) expect(await verdict(file, writes), `stream ${i}`).toBeNull();
    expect(await verdict(file, target)).not.toBeNull();
    for (const right of RIGHT) expect(await verdict(right, target)).toBeNull();
  };

  test("variant rejects-a-token-jump passes every stream but the hand-made one from token 1 to Number.MAX_SAFE_INTEGER", async () => {
    await failsOnly("rejects-a-token-jump", HAND_CASES.find((k) => k.label === "a token may jump from 1 to Number.MAX_SAFE_INTEGER")!.writes);
  });

  test.each(["empty-key-rejected", "values-trimmed", "keys-in-one-unicode-form", "keys-cut-to-64-characters", "values-cut-to-255-characters"])(
    "variant %s passes every other stream, and fails the one of strings kept exactly",
    (name) => failsOnly(name, STRINGS),
  );

  test("the long stream holds a deposed run and a run of new keys, each LONG_RUN long, and ends with its first key as written first", () => {
    const writes = longStream();
    const ok = expectedOutcomes(writes);
    expect(writes).toHaveLength(2 * LONG_RUN + 3);
    expect(ok.filter((x) => !x)).toHaveLength(LONG_RUN + 1);
    expect(new Set(writes.map((w) => w.key)).size).toBe(LONG_RUN + 2);
    expect(writes.filter((w, i) => ok[i] && w.key === "first").map((w) => w.value)).toEqual(["written first"]);
  });
});

describe("02: acknowledgements far out of order", () => {
  type Lost = (run: RunWrites, follower: string, atMs: number) => number[];
  /** Stops after `late` writes in a row acknowledged after the crash (the variant stops-after-late-acks-in-a-row, with 20). */
  const stopsAfterLate =
    (late: number): Lost =>
    (run, follower, atMs) => {
      const w = run.writes;
      const received = w.receivedMs[run.followers.indexOf(follower)];
      const lost: number[] = [];
      let inARow = 0;
      for (let i = 0; i < w.count && inARow < late; i++) {
        inARow = w.ackMs[i] <= atMs ? 0 : inARow + 1;
        if (inARow === 0 && !(received[i] <= atMs)) lost.push(i);
      }
      return lost;
    };
  const FAR = LOSS_CASES.find((k) => k.label.startsWith("acknowledgements out of order by far"))!;
  const failsFar = (lost: Lost) => checkLost(FAR.run, FAR.probe, lost(FAR.run, FAR.probe.follower, FAR.probe.atMs)) !== null;
  /** 40 seeds of the aimed asynchronous kind (`turnOf(seed, 2) === 1`), each with its boundary probes. */
  const AIMED = Array.from({ length: 40 }, (_, i) => {
    const seed = 2 * (i * 7_919 + 3) + 1;
    const run = simulate(AIMED_LOSS_CONFIGS[1](seed));
    return { run, probes: [...probesFor(run, seed), ...boundaryProbes(run, seed)] };
  });
  const failsRun = (lost: Lost, { run, probes }: (typeof AIMED)[number]) => probes.some((p) => checkLost(run, p, lost(run, p.follower, p.atMs)) !== null);

  test("stopping 10 ms past the crash fails the hand-made table and every aimed asynchronous run", async () => {
    const { writesLostOnFailover } = (await import(variant("02-data-loss-window", "stops-well-past-the-crash"))) as { writesLostOnFailover: Lost };
    expect(failsFar(writesLostOnFailover)).toBe(true);
    expect(AIMED.filter((r) => !failsRun(writesLostOnFailover, r))).toHaveLength(0);
  });

  test("stopping after 3, 20 or 100 late acknowledgements in a row fails the hand-made table", () => {
    for (const late of [3, 20, 100]) expect(failsFar(stopsAfterLate(late))).toBe(true);
  });

  test("an answer that counts a write received and never applied as lost fails the hand-made table of such writes", async () => {
    const NEVER_APPLIED = LOSS_CASES.find((k) => k.label.startsWith("a write received but never applied"))!;
    const { writesLostOnFailover } = (await import(variant("02-data-loss-window", "never-applied-counted-lost"))) as { writesLostOnFailover: Lost };
    expect(checkLost(NEVER_APPLIED.run, NEVER_APPLIED.probe, writesLostOnFailover(NEVER_APPLIED.run, "A", 5))).not.toBeNull();
  });

  test("the right answers pass the hand-made table and every aimed asynchronous run", async () => {
    for (const file of rightAnswers("02-data-loss-window")) {
      const { writesLostOnFailover } = (await import(file)) as { writesLostOnFailover: Lost };
      expect(failsFar(writesLostOnFailover)).toBe(false);
      expect(AIMED.filter((r) => failsRun(writesLostOnFailover, r))).toHaveLength(0);
    }
  });

  test("every aimed asynchronous run holds a write acknowledged over 10 ms before an earlier one, asked about", () => {
    for (const { probes } of AIMED) expect(probes.some((p) => /ms before an earlier write's/.test(p.why) && Number(/, ([\d.]+) ms before/.exec(p.why)![1]) > 10)).toBe(true);
  });
});

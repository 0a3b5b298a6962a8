/**
 * Exercises 02 and 05: cases aimed at answers that had full marks under every grading secret.
 *
 * 02: a scan that looks back only a while before the crash (a second, 250 writes), taking a
 * follower never to be further behind, and a prediction rounded to four decimals. No run kept a
 * follower behind for long (faults lasted 10-40 ms, a run a few hundred ms) and no prediction was
 * under 0.0045 writes. Now the hidden runs take turns at a quiet run in which one follower stalls
 * early on (a million times slower to the end), asked about at the run's last acknowledgement for
 * the write acknowledged longest before that a follower lacks then; the hidden risk cases at a
 * quiet database (a write every 50 to 200 s: 10^-6 to 4 * 10^-5 writes at risk); and the public
 * tests hold a follower cut off for a day (2,000 writes) and a prediction of 0.00002 writes.
 *
 * 05: an answer that passes over a follower with more than 1,000 entries left to apply, or over
 * one at epoch 0 (`!f.epoch`). No case had a winner at epoch 0, and only followers placed beside
 * an aimed cluster had a replay over 100 entries ahead (and lost anyway). Now a hidden kind holds a
 * cluster that never failed over whose best log has 1,001 to about 10^15 entries to apply, and the
 * public cases a cluster at epoch 0 and a replica that applied none of five billion entries.
 * And names compared only up to the shorter one's length failed the large clusters' follow-ups
 * under some secrets only; a follow-up now lists first a twin of the chosen follower named as it
 * with "0" added, which such a comparison keeps. An answer that groups followers by epoch in a
 * plain object and takes the last key as the newest had full marks under some secrets: integer-like
 * keys come in ascending order only up to 2^32 - 2, and only the reversed follow-up of an aimed
 * cluster with epochs past 10^10 listed the newer epoch first. The aimed kind of a newer epoch
 * listed before a longer log now has epochs past 2^32, and a public case too. Names cut to a fixed
 * width (32 characters) had full marks: no name was longer than six; the aimed names that tie on
 * digits now share a first part of 40 characters, and a public case has two such names.
 */
import { describe, expect, test } from "vitest";
import { simulate } from "../../lib";
import {
  AIMED_LOSS_CONFIGS,
  AIMED_RISK_CASES,
  HAND_CASES,
  aimedLossConfig,
  aimedRiskCase,
  boundaryProbes,
  checkLost,
  checkPrediction,
  probesFor,
} from "../exercises/02-data-loss-window.support";
import { AIMED_CLUSTERS, LONG_NAME, checkElection, follower as f, followUps, largeCluster, type Follower } from "../exercises/05-leader-election.support";
import { aimedClusterKind, electionChooser, electionFails, rightAnswers, variant } from "../fixtures/answers";

// ------------------------------------------------------------------------------------------- 02

type LossAnswer = {
  writesLostOnFailover(run: unknown, follower: string, atMs: number): unknown;
  expectedWritesLost(load: { writesPerSec: number; meanLagMs: number }): unknown;
};

const loadLoss = async (file: string) => (await import(file)) as LossAnswer;

/** The kind of 02's hidden runs and risk cases these aim at (the last of each list), and 15 seeds of it. */
const STALLED = AIMED_LOSS_CONFIGS.length - 1;
const stalledSeeds = Array.from({ length: 15 }, (_, i) => (i * 7_919 + 11) * AIMED_LOSS_CONFIGS.length + STALLED);

/** Whether `m` lists a wrong answer for some failover a hidden run of `seed` is asked about. */
function runFails(m: LossAnswer, seed: number): boolean {
  const run = simulate(aimedLossConfig(seed));
  const probes = [...probesFor(run, seed), ...boundaryProbes(run, seed)];
  return probes.some((p) => checkLost(run, p, m.writesLostOnFailover({ followers: run.followers, writes: run.writes }, p.follower, p.atMs)) !== null);
}

/** Whether `m`'s prediction for the hidden risk case of `seed` is off by more than the tolerance. */
function riskFails(m: LossAnswer, seed: number): boolean {
  const k = aimedRiskCase(seed);
  return checkPrediction(k, k.writesAtRiskMean, m.expectedWritesLost({ writesPerSec: k.writesPerSec, meanLagMs: k.meanLagMs })) !== null;
}

/** The public hand-made table of a follower cut off for a day. */
const cutOff = () => {
  const k = HAND_CASES.find((k) => k.label.startsWith("a follower cut off for a day"));
  if (k === undefined) throw new Error("no hand-made table of a follower cut off for a day");
  return k;
};
/** Whether `m` lists a wrong answer for the public table of a follower cut off for a day. */
const cutOffFails = (m: LossAnswer) => {
  const { run, probe } = cutOff();
  return checkLost(run, probe, m.writesLostOnFailover(run, probe.follower, probe.atMs)) !== null;
};
/** The public prediction under a ten-thousandth of a write. */
const QUIET = { writesPerSec: 0.01, meanLagMs: 2, want: 0.00002 };

describe("02: a follower stalled or cut off for long, a quiet database", () => {
  test("the stalled kind and the quiet risk kind are the same (last) kind of their lists", () => {
    expect(AIMED_RISK_CASES.length).toBe(AIMED_LOSS_CONFIGS.length);
    expect(AIMED_LOSS_CONFIGS.length).toBe(3);
  });

  test("every stalled run is asked about a write acknowledged over 30 s and 250 writes before the moment asked", () => {
    for (const seed of stalledSeeds) {
      const run = simulate(aimedLossConfig(seed));
      const oldest = boundaryProbes(run, seed).find((p) => p.why.startsWith("at the run's last acknowledgement"));
      expect(oldest, `seed ${seed}`).toBeDefined();
      const f = run.followers.indexOf(oldest!.follower);
      const w = run.writes;
      const missing = Array.from({ length: w.count }, (_, i) => i).filter((i) => w.ackMs[i] <= oldest!.atMs && !(w.receivedMs[f][i] <= oldest!.atMs));
      expect(oldest!.atMs - w.ackMs[missing[0]], `seed ${seed}`).toBeGreaterThan(30_000);
      expect(w.count - missing[0], `seed ${seed}`).toBeGreaterThan(251);
    }
  });

  test.each(["looks-back-a-second", "looks-back-250-writes"])("%s fails every stalled run and the hand-made day", async (name) => {
    const m = await loadLoss(variant("02-data-loss-window", name));
    expect(stalledSeeds.filter((seed) => !runFails(m, seed))).toEqual([]);
    expect(cutOffFails(m)).toBe(true);
  });

  test("rounds-to-4-decimals fails every quiet risk case and the public quiet prediction", async () => {
    const m = await loadLoss(variant("02-data-loss-window", "rounds-to-4-decimals"));
    expect(stalledSeeds.filter((seed) => !riskFails(m, seed))).toEqual([]);
    expect(checkPrediction(QUIET, QUIET.want, m.expectedWritesLost(QUIET))).not.toBeNull();
  });

  test.each(rightAnswers("02-data-loss-window"))("right answer %s passes every such case", async (file) => {
    const m = await loadLoss(file);
    expect(stalledSeeds.filter((seed) => runFails(m, seed) || riskFails(m, seed))).toEqual([]);
    expect(cutOffFails(m)).toBe(false);
    expect(checkPrediction(QUIET, QUIET.want, m.expectedWritesLost(QUIET))).toBeNull();
  });
});

// ------------------------------------------------------------------------------------------- 05

/**
 * Exercise 05: each known-wrong variant named in `publicCases` fails every cluster of the aimed
 * kind `label` (60 seeds from `offset`) and its own public case; every right answer passes them all.
 * Returns the kind's builder and seeds (looked up in each test, so that a missing kind fails them).
 */
function aimedKindTests(label: string, publicCases: Record<string, Follower[]>, offset: number) {
  const kind = () => {
    const { index, build } = aimedClusterKind(label);
    return { build, seeds: Array.from({ length: 60 }, (_, i) => (i * 7_919 + offset) * AIMED_CLUSTERS.length + index) };
  };

  test.each(Object.entries(publicCases))("variant %s fails every cluster of the kind, and its public case", async (name, publicCase) => {
    const choose = await electionChooser(variant("05-leader-election", name));
    const { build, seeds } = kind();
    expect(seeds.filter((seed) => !electionFails(choose, build(seed)))).toEqual([]);
    expect(electionFails(choose, publicCase)).toBe(true);
  });

  test.each(rightAnswers("05-leader-election"))("right answer %s passes every cluster of the kind and the public cases", async (file) => {
    const choose = await electionChooser(file);
    const { build, seeds } = kind();
    expect(seeds.filter((seed) => electionFails(choose, build(seed)))).toEqual([]);
    for (const publicCase of Object.values(publicCases)) expect(electionFails(choose, publicCase)).toBe(false);
  });
  return kind;
}

describe("05: epoch 0, a log far behind in applying", () => {
  const kind = aimedKindTests(
    "epoch 0, the best log far behind in applying",
    // Each variant and the public hand-made case that catches it.
    {
      "skips-a-long-replay": [f("A", { receivedLsn: 4_999_999_999, priority: 3 }), f("B", { receivedLsn: 5_000_000_000, appliedLsn: 0 })],
      "skips-epoch-zero": [f("A", { epoch: 0, receivedLsn: 7 }), f("B", { epoch: 0, receivedLsn: 9 })],
    },
    31,
  );

  test("the kind stays within the numbers the text allows, every follower at epoch 0", () => {
    const { build, seeds } = kind();
    for (const seed of seeds) {
      for (const g of build(seed)) {
        for (const x of [g.epoch, g.receivedLsn, g.appliedLsn, g.priority]) expect(Number.isSafeInteger(x) && x >= 0).toBe(true);
        expect(g.appliedLsn).toBeLessThanOrEqual(g.receivedLsn);
        expect(g.epoch).toBe(0);
      }
    }
  });
});

describe("05: a twin whose name the chosen one begins, in every judged cluster's follow-ups", () => {
  /** Whether `choose` breaks a rule on the large cluster of `seed` or on one of its follow-ups, as judgeWithFollowUps asks them. */
  const failsWithFollowUps = (choose: (fs: Follower[]) => unknown, seed: number): boolean => {
    const followers = largeCluster(seed);
    const chosen = choose(structuredClone(followers));
    if (checkElection(followers, chosen) !== null) return true;
    return followUps(followers, chosen as string | null).some((k) => electionFails(choose, k.followers));
  };
  const seeds = Array.from({ length: 30 }, (_, i) => i * 7_919 + 3);

  test("names-compared-up-to-the-shorter fails every large cluster", async () => {
    const choose = await electionChooser(variant("05-leader-election", "names-compared-up-to-the-shorter"));
    expect(seeds.filter((seed) => !failsWithFollowUps(choose, seed))).toEqual([]);
  });

  test.each(rightAnswers("05-leader-election"))("right answer %s passes every large cluster and its follow-ups", async (file) => {
    const choose = await electionChooser(file);
    expect(seeds.filter((seed) => failsWithFollowUps(choose, seed))).toEqual([]);
  });
});


describe("05: epochs past 2^32, the newer listed first", () => {
  const PUBLIC = [f("A", { epoch: 2 ** 32 + 1, receivedLsn: 105 }), f("B", { epoch: 2 ** 32, receivedLsn: 120 })];
  const kind = aimedKindTests("a newer epoch listed before a longer log", { "newest-epoch-by-object-keys": PUBLIC }, 47);

  test("the kind's epochs stay within the numbers the text allows", () => {
    const { build, seeds } = kind();
    for (const seed of seeds) for (const g of build(seed)) expect(Number.isSafeInteger(g.epoch) && g.epoch >= 0).toBe(true);
  });
});

describe("05: long names that differ only at the end", () => {
  const PUBLIC = [f("orders-db-production-eu-west-1-replica-9"), f("orders-db-production-eu-west-1-replica-10")];
  const kind = aimedKindTests("tie decided by plain comparison of digits", { "names-cut-to-32-characters": PUBLIC }, 53);

  test("the kind's names share a first part of 40 characters", () => {
    expect(LONG_NAME.length).toBe(40);
    const { build, seeds } = kind();
    for (const seed of seeds) expect(build(seed).filter((g) => g.name.startsWith(LONG_NAME)).length).toBe(3);
  });
});

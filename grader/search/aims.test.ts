/**
 * Hidden tests aim at every mistake in every draw: the kinds of case take turns whatever the
 * seeds, and exercise 02's aimed runs, 04's worst crash moments, 05's aimed clusters and 07's
 * aimed links catch each known-wrong variant on every seed of some kind (the verdict of a hidden
 * test cannot hang on the draw), and right answers on none.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { asyncAck, quorum, semiSync, simulate, type AckPolicy } from "../../lib";
import { type RunWrites, AIMED_LOSS_CONFIGS, AIMED_RISK_CASES, HAND_CASES, aimedLossConfig, aimedRiskCase, boundaryProbes, checkLost, checkPrediction, probesFor, sameRun, riskCase } from "../exercises/02-data-loss-window.support";
import { expectedWritesLost } from "../../solutions/02-data-loss-window";
import { AIMED_CLUSTERS, aimedCluster, checkElection, type Follower } from "../exercises/05-leader-election.support";
import { crashRun, crashSearch, edgeMomentOf, judgeService, runService, SERVICE_NAMES, SERVICES, worstMomentOf, type ServiceName } from "../exercises/04-choose-ack-policy.support";
import { chooseAckPolicy } from "../../solutions/04-choose-ack-policy";
import { AIMED_PROFILES, aimedProfile, checkSetting, judgeMoment, momentRun, TEXT_EXAMPLE, worstMoments, type LinkProfile } from "../exercises/07-detector-timeout.support";
import { seedsTakingTurns, turnOf } from "./aims";

describe("seedsTakingTurns", () => {
  test("every draw holds each kind at least floor(n / kinds) times, each seed moved by less than kinds", () => {
    for (const kinds of [1, 3, 11]) {
      for (let draw = 0; draw < 50; draw++) {
        const seeds = Array.from({ length: 40 }, (_, i) => (draw * 1_000_003 + i * 7_919_221) % 0x7fffffff);
        const turned = seedsTakingTurns(seeds, kinds);
        const counts = Array.from({ length: kinds }, (_, k) => turned.filter((s) => turnOf(s, kinds) === k).length);
        expect(Math.min(...counts)).toBeGreaterThanOrEqual(Math.floor(40 / kinds));
        turned.forEach((s, i) => {
          expect(Math.abs(s - seeds[i])).toBeLessThan(kinds);
          expect(s).toBeGreaterThanOrEqual(0);
          expect(s).toBeLessThanOrEqual(0x7fffffff);
        });
      }
    }
  });

  test("the largest seeds stay 31-bit", () => {
    expect(seedsTakingTurns([0x7fffffff, 0x7fffffff], 11).every((s) => s <= 0x7fffffff)).toBe(true);
  });
});

describe("05: every known-wrong variant fails every cluster of some aimed kind; right answers none", () => {
  const { wrong, right } = answers("05-leader-election");
  const judged = async (file: string) => {
    const { chooseNewLeader } = (await import(file)) as { chooseNewLeader(f: Follower[]): unknown };
    return (seed: number): boolean => {
      const followers = aimedCluster(seed);
      const before = JSON.stringify(followers);
      try {
        const copy = JSON.parse(before) as Follower[];
        const chosen = chooseNewLeader(copy);
        return checkElection(followers, chosen) !== null || JSON.stringify(copy) !== before;
      } catch {
        return true;
      }
    };
  };
  kindsCatch(wrong, right, AIMED_CLUSTERS.length, 60, judged);
});

/**
 * Known-wrong answers to exercise 02 that are right on every simulated run, and what catches them
 * instead, in public tests: a hand-made table, the public predictions, or the run coming back
 * changed.
 */
const CAUGHT_BY_HAND_CASES: Record<string, "a hand-made table" | "a public prediction" | "the run changed"> = {
  // Simulated followers are named A, B, C in order.
  "follower-index-from-name.ts": "a hand-made table",
  // Simulated times never fall within a microsecond of one another.
  "compares-with-tolerance.ts": "a hand-made table",
  // A simulated leader takes writes in the order they are sent: lsn[i] is i + 1.
  "receipts-by-log-position.ts": "a hand-made table",
  // Every simulated risk case has a tenth of a write or more at risk.
  "rounds-the-prediction.ts": "a public prediction",
  // Its lists are right.
  "caches-an-index-on-the-run.ts": "the run changed",
  // In a simulated run 20 writes in a row acknowledged after a later one would take 20 held responses in a row.
  "stops-after-late-acks-in-a-row.ts": "a hand-made table",
  // A simulated follower applies every write it receives.
  "never-applied-counted-lost.ts": "a hand-made table",
};

describe("02: every known-wrong variant fails every aimed run or risk case of some kind; right answers none", () => {
  const { wrong, right } = answers("02-data-loss-window");
  expect(AIMED_LOSS_CONFIGS.length).toBe(AIMED_RISK_CASES.length);
  const failing = async (file: string) => {
    const m = (await import(file)) as { writesLostOnFailover(...a: unknown[]): unknown; expectedWritesLost(l: unknown): unknown };
    return (seed: number): boolean => {
      const run = simulate(aimedLossConfig(seed));
      const probes = [...probesFor(run, seed), ...boundaryProbes(run, seed)];
      const k = aimedRiskCase(seed);
      try {
        return (
          probes.some((p) => checkLost(run, p, m.writesLostOnFailover({ followers: run.followers, writes: run.writes }, p.follower, p.atMs)) !== null) ||
          checkPrediction(k, k.writesAtRiskMean, m.expectedWritesLost({ writesPerSec: k.writesPerSec, meanLagMs: k.meanLagMs })) !== null
        );
      } catch {
        return true;
      }
    };
  };
  kindsCatch(wrong.filter(([name]) => !(name in CAUGHT_BY_HAND_CASES)), right, AIMED_LOSS_CONFIGS.length, 15, failing);
});

describe("02: a call that changes the run is told so, and one that leaves it as it was is not", () => {
  // What sameRun compares, written out as text (as the judge once did for every probe).
  const asText = (run: RunWrites): string => {
    try {
      const w = run.writes;
      const column = (c: ArrayLike<number>) => Array.from(c, String);
      return JSON.stringify([Object.keys(run), Object.keys(w), run.followers, w.count, [w.invokeMs, w.acceptMs, w.ackMs, w.lsn, w.node, w.epoch].map(column), w.receivedMs.map(column), w.appliedMs.map(column)]);
    } catch {
      return "(not a write table)";
    }
  };
  const given = HAND_CASES[0].run;
  const changes: [string, (r: { followers: unknown[]; writes: Record<string, unknown> & { receivedMs: unknown[] } }) => void, boolean][] = [
    ["nothing", () => {}, true],
    ["a receipt time", (r) => ((r.writes.receivedMs[0] as Float64Array)[0] += 1), false],
    ["a column as a plain list of the same numbers", (r) => (r.writes.ackMs = Array.from(r.writes.ackMs as Float64Array)), true],
    ["a number as its digits", (r) => (r.writes.ackMs = Array.from(r.writes.ackMs as Float64Array, String)), true],
    ["0 as -0 (the leader's node number)", (r) => (r.writes.node = Array.from(r.writes.node as Int32Array, (x) => (x === 0 ? -0 : x))), true],
    ["a column one entry longer", (r) => (r.writes.epoch = Int32Array.from([...(r.writes.epoch as Int32Array), 1])), false],
    ["an index cached on the table", (r) => (r.writes.byLsn = {}), false],
    ["a field of the run", (r) => Object.assign(r, { extra: 1 }), false],
    ["a follower's name", (r) => (r.followers[0] = "Z"), false],
    ["the count", (r) => (r.writes.count = (r.writes.count as number) + 1), false],
    ["a follower's column dropped", (r) => r.writes.receivedMs.pop(), false],
    ["an entry with no text", (r) => ((r.writes.node as unknown) = [Object.create(null), ...Array.from(r.writes.node as Int32Array).slice(1)]), false],
  ];
  test("the table has what the changes need", () => expect([given.followers.length, given.writes.node[0]]).toEqual([1, 0]));
  test.each(changes)("%s", (_, change, same) => {
    const copy = structuredClone(given) as unknown as Parameters<(typeof changes)[number][1]>[0];
    change(copy);
    const after = copy as unknown as RunWrites;
    expect(sameRun(after, given)).toBe(same);
    expect(asText(after) === asText(given)).toBe(same);
  });
});

describe("02: the known-wrong answers simulated runs cannot tell apart are caught in public tests", () => {
  const { wrong, right } = answers("02-data-loss-window");
  type Answer = { writesLostOnFailover(run: unknown, follower: string, atMs: number): unknown; expectedWritesLost(l: unknown): unknown };
  const handFailures = (m: Answer) => HAND_CASES.filter((k) => checkLost(k.run, k.probe, m.writesLostOnFailover(k.run, k.probe.follower, k.probe.atMs)) !== null).map((k) => k.label);
  const round = [{ writesPerSec: 3, meanLagMs: 1.5, want: 0.0045 }];
  const predictionFailures = (m: Answer) => round.filter((k) => checkPrediction(k, k.want, m.expectedWritesLost({ writesPerSec: k.writesPerSec, meanLagMs: k.meanLagMs })) !== null);
  const changesRun = (m: Answer) =>
    HAND_CASES.some((k) => {
      const copy = structuredClone(k.run);
      m.writesLostOnFailover(copy, k.probe.follower, k.probe.atMs);
      return !sameRun(copy, k.run);
    });
  test("each is listed with what catches it", () => {
    for (const name of Object.keys(CAUGHT_BY_HAND_CASES)) expect(wrong.map(([file]) => file), name).toContain(name);
  });
  test.each(wrong.filter(([name]) => name in CAUGHT_BY_HAND_CASES))("%s", async (name, file) => {
    const m = (await import(file)) as Answer;
    const by = CAUGHT_BY_HAND_CASES[name];
    if (by === "a hand-made table") expect(handFailures(m)).not.toEqual([]);
    if (by === "a public prediction") expect(predictionFailures(m)).not.toEqual([]);
    if (by === "the run changed") expect(changesRun(m)).toBe(true);
  });
  test.each(right)("right: %s", async (_name, file) => {
    const m = (await import(file)) as Answer;
    expect(handFailures(m)).toEqual([]);
    expect(predictionFailures(m)).toEqual([]);
    expect(changesRun(m)).toBe(false);
  });
});

describe("04: at the worst moment for the chosen policy, every known-wrong variant fails one service on every seed; right answers none", () => {
  const { wrong, right } = answers("04-choose-ack-policy");
  const seeds = [11, 222, 3333, 44444];
  const failing = async (file: string) => {
    const { chooseAckPolicy } = (await import(file)) as { chooseAckPolicy(s: ServiceName): unknown };
    return (name: ServiceName, seed: number): boolean => {
      const policy = chooseAckPolicy(name);
      const edge = edgeMomentOf(SERVICES[name], policy, seed);
      return judgeService(SERVICES[name], policy, seed, () => {}, worstMomentOf(SERVICES[name], policy, seed)) !== null || (edge !== undefined && judgeService(SERVICES[name], policy, seed, () => {}, edge) !== null);
    };
  };
  test.each(wrong)("variant %s", async (_name, file) => {
    const fails = await failing(file);
    expect(SERVICE_NAMES.some((name) => seeds.every((seed) => fails(name, seed)))).toBe(true);
  });
  test.each(right)("correct %s", async (_name, file) => {
    const fails = await failing(file);
    for (const name of SERVICE_NAMES) expect(seeds.filter((seed) => fails(name, seed))).toEqual([]);
  });
});

/**
 * Where a slow spell lets a fallback to async fire before a crash the text allows, it fires on
 * every seed: a write is sent as each slowdown starts (`slowdownOpening`), and in accounts each
 * follower is slow in turn (`fallbackSlowdown`), so the leader, once async, stays so into B's
 * crash window. Before that, on these 12 seeds, ledger's fallback of 1,189 ms failed on 8 and of
 * 1,189.8 ms on 6, and accounts' of 260 ms on 1 and of 300 to 439 ms on none. Past the edge no
 * seed catches them: the fallback cannot fire before a crash the text allows. In accounts A is
 * slowed from just after it caught up after its maintenance, found by a run of the seed: 0-4 ms
 * after its return at 500 ms, so the edge is 950 ms less that moment, 450 ms where A caught up as
 * it returned, and a fallback a little under 450 ms fails on the seeds where A caught up fast.
 * With A slowed from 510 ms on every seed, fallbacks of 440 to 449.9 ms passed on every seed.
 */
describe("04: a fallback that can fire before a crash the text allows fails at the worst moment on every seed", () => {
  const seeds = Array.from({ length: 12 }, (_, i) => (i * 2_654_435_761 + 5) % 0x7fffffff);
  const fails = (name: ServiceName, policy: AckPolicy) => seeds.filter((seed) => judgeService(SERVICES[name], policy, seed, () => {}, worstMomentOf(SERVICES[name], policy, seed)) !== null).length;
  test.each([1000, 1185, 1189, 1189.8])("ledger, quorum(2) with a %s ms fallback", (ms) => {
    expect(fails("ledger", quorum(2, { fallbackAfterMs: ms }))).toBe(seeds.length);
  });
  test.each([10, 245, 260, 300, 350, 439, 439.9, 440, 445, 448])("accounts, semi-sync with a %s ms fallback", (ms) => {
    expect(fails("accounts", semiSync({ fallbackAfterMs: ms }))).toBe(seeds.length);
  });
  test("the search starts at each policy's worst moment, slowed runs included: a fallback fails it there, the reference does not", () => {
    const withFallbacks = crashSearch({ ledger: quorum(2, { fallbackAfterMs: 650 }), metrics: asyncAck(), accounts: semiSync({ fallbackAfterMs: 300 }) }, [7], 9);
    const slowed = withFallbacks.first!.filter((k) => k.faults !== undefined);
    expect(slowed.map((k) => k.service)).toEqual(["ledger", "accounts"]);
    for (const k of slowed) expect(withFallbacks.judge(k, () => {}), `${k.service} at ${k.crashAtMs} ms`).not.toBeNull();
    const reference = crashSearch(Object.fromEntries(SERVICE_NAMES.map((name) => [name, chooseAckPolicy(name)])) as Record<ServiceName, unknown>, [7], 9);
    expect(reference.first!.map((k) => k.service)).toEqual(SERVICE_NAMES);
    for (const k of reference.first!) expect(reference.judge(k, () => {}), `${k.service} at ${k.crashAtMs} ms`).toBeNull();
  });

  test("past the edge, none: ledger 1,190 ms, accounts 450 and 1,000 ms; at it, accounts 449 ms on the seeds where A caught up within a millisecond", () => {
    expect(fails("ledger", quorum(2, { fallbackAfterMs: 1190 }))).toBe(0);
    for (const ms of [450, 1000]) expect(fails("accounts", semiSync({ fallbackAfterMs: ms })), `${ms} ms`).toBe(0);
    const at449 = fails("accounts", semiSync({ fallbackAfterMs: 449 }));
    expect(at449).toBeGreaterThan(0);
    expect(at449).toBeLessThan(seeds.length);
  });

  test("accounts: A is slowed just after it caught up after its maintenance, in the very run the crash comes in", () => {
    const policy = semiSync({ fallbackAfterMs: 300 });
    const starts: number[] = [];
    for (const seed of seeds) {
      const moment = worstMomentOf(SERVICES.accounts, policy, seed)!;
      const aSlow = moment.faults!.find((f) => f.node === "A")!;
      starts.push(aSlow.fromMs);
      // No writes generated from A's return until its slowdown: only the write sent as it starts.
      expect(moment.pauses).toEqual([{ fromMs: 500, toMs: aSlow.fromMs }]);
      const run = simulate(crashRun(SERVICES.accounts, policy, seed, moment.crashAtMs, moment.faults, moment.writes, moment.pauses));
      const a = run.followers.indexOf("A");
      let caughtUp = 500;
      for (let i = 0; i < run.writes.count; i++) if (run.writes.invokeMs[i] < 500) caughtUp = Math.max(caughtUp, run.writes.appliedMs[a][i]);
      expect(caughtUp, `seed ${seed}`).toBeLessThan(aSlow.fromMs);
      expect(aSlow.fromMs - caughtUp, `seed ${seed}`).toBeLessThan(0.0011);
    }
    // The moment depends on the seed's network delays, within a few milliseconds of A's return.
    expect(new Set(starts).size).toBeGreaterThan(1);
    expect(Math.max(...starts)).toBeLessThan(505);
  });
});

/**
 * A right answer must pass on every seed a secret can draw, not on most: a hidden test's three
 * seeds are a fresh draw for each course, so a target the reference meets on 999 seeds in 1,000
 * fails a whole class now and then. Measured on 3,000 seeds at the worst moment, asyncAck()
 * loses a median 30 of metrics' writes and 53-58 on one seed in 1,000, so a budget of 50 was
 * too tight. On 60 seeds the reference keeps within 80% of each latency target, loses nothing
 * where nothing may be lost, and at most half of a loss budget.
 */
/**
 * 02's simulated risk cases: the run's writes at risk counted each write's time missing only up to
 * the last acknowledgement, so a long log-normal delay near the end read up to 27% low, and the
 * reference failed the 10% tolerance on about one case in 4,000 (the first seeds below, found by a
 * scan of 72,000). Now every write counts for its whole time missing.
 */
describe("02: the reference predicts every simulated risk case within half the tolerance", () => {
  test("on the seeds that failed it, and on 60 more", () => {
    const seeds = [1390994386, 1285737023, 968881737, 77036176, 2124242151, 1831791301, ...Array.from({ length: 60 }, (_, i) => (i * 2_654_435_761 + 29) % 0x7fffffff)];
    for (const seed of seeds) {
      const k = riskCase(seed);
      const error = Math.abs(expectedWritesLost({ writesPerSec: k.writesPerSec, meanLagMs: k.meanLagMs }) - k.writesAtRiskMean) / k.writesAtRiskMean;
      expect(error, `seed ${seed}`).toBeLessThanOrEqual(0.05);
    }
  });
});

describe("04: the reference answer meets every target with room to spare at the worst moment, seed after seed", () => {
  const seeds = Array.from({ length: 60 }, (_, i) => (i * 2_654_435_761 + 17) % 0x7fffffff);
  test.each(SERVICE_NAMES)("%s", (name) => {
    const service = SERVICES[name];
    const policy = chooseAckPolicy(name);
    for (const seed of seeds) {
      const moment = worstMomentOf(service, policy, seed);
      expect(moment, `seed ${seed}`).toBeDefined();
      const outcome = runService(service, policy, seed, undefined, moment!.crashAtMs, moment!.faults);
      expect(outcome.commitLatencyMsP99, `seed ${seed}: p99 commit latency`).toBeLessThanOrEqual(0.8 * service.commitLatencyMsP99Max);
      expect(outcome.lostWrites, `seed ${seed}: acknowledged writes lost`).toBeLessThanOrEqual(0.5 * service.lostWritesMax);
    }
  });
});

describe("07: a moment's run is a bounded amount of work for the judge, whatever the setting", () => {
  test("a setting of hours gets at most 2,000 writes; a sensible one keeps its 20 writes/s", () => {
    for (const m of worstMoments(TEXT_EXAMPLE)) {
      const huge = momentRun(TEXT_EXAMPLE, { heartbeatMs: 4e7, timeoutMs: 4e7 }, { ...m, beat: 40 }).workload!;
      expect(((huge.writesPerSec ?? 0) * (huge.durationMs ?? 0)) / 1000).toBeLessThanOrEqual(2_000);
      expect(momentRun(TEXT_EXAMPLE, { heartbeatMs: 100, timeoutMs: 400 }, m).workload!.writesPerSec).toBe(20);
    }
  });
});

/**
 * Tests that each wrong answer fails on every one of `perKind` seeds of some kind of `kinds`, and
 * each right answer on none: `failing(file)` says whether that answer fails the case of a seed.
 */
function kindsCatch(wrong: string[][], right: string[][], kinds: number, perKind: number, failing: (file: string) => Promise<(seed: number) => boolean>): void {
  const seedsOfKind = (kind: number) => Array.from({ length: perKind }, (_, i) => i * kinds + kind);
  const allKinds = Array.from({ length: kinds }, (_, kind) => kind);
  test.each(wrong)("variant %s", async (_name, file) => {
    const fails = await failing(file);
    expect(allKinds.some((kind) => seedsOfKind(kind).every(fails))).toBe(true);
  });
  test.each(right)("correct %s", async (_name, file) => {
    const fails = await failing(file);
    for (const kind of allKinds) expect(seedsOfKind(kind).filter(fails)).toEqual([]);
  });
}

/** The known-wrong variants and the right answers of an exercise, as files. */
function answers(name: string): { wrong: string[][]; right: string[][] } {
  const root = join(__dirname, "..");
  const files = (folder: string) => readdirSync(join(root, folder, name)).map((f) => [f, join(root, folder, name, f)]);
  return { wrong: files("variants"), right: [...files("alternatives"), [`solutions/${name}.ts`, join(root, "..", "solutions", `${name}.ts`)]] };
}

describe("07: every known-wrong variant fails the worst moments on every link of some aimed kind; right answers none", () => {
  const { wrong, right } = answers("07-detector-timeout");
  const failing = async (file: string) => {
    const { chooseDetector } = (await import(file)) as { chooseDetector(p: LinkProfile): unknown };
    return (seed: number): boolean => {
      const link = aimedProfile(seed);
      const setting = chooseDetector(link);
      if (checkSetting(link, setting)) return true;
      return worstMoments(link).some((m) => judgeMoment(link, setting as never, m, () => {}) !== null);
    };
  };
  kindsCatch(wrong, right, AIMED_PROFILES.length, 12, failing);
});

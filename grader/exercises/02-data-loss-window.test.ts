/**
 * Exercise 02 — the data-loss window. Part (a) is compared exactly with the grader's answer, on
 * hand-made write tables with writes right on the boundaries and on seeded simulated runs probed
 * at random moments and exactly at acknowledgements and receipts. Part (b) is compared with the
 * writes at risk in a simulated run, within 10%.
 */
// Types only: the submission runs in its own sandbox process and answers with plain data (student.ts).
import type * as Exercise from "../../exercises/02-data-loss-window";
import { simulate } from "../../lib";
import { graded, type GradedContext, type Recorder } from "../graded";
import { student } from "../student";
import {
  HAND_CASES,
  checkLost,
  checkPrediction,
  describeRun,
  fingerprint,
  lossWindowConfig,
  probesFor,
  riskCase,
  type Probe,
  type RunWrites,
} from "./02-data-loss-window.support";

const answer = student<typeof Exercise>("02-data-loss-window");

/** Asks the submission about each probe of one run; the first wrong answer fails the case. */
async function judgeProbes(run: RunWrites, probes: Probe[], record: Recorder) {
  // Only the part of a run the exercise reads crosses to the sandbox.
  const given: RunWrites = { followers: run.followers, writes: run.writes };
  const before = fingerprint(given);
  for (const probe of probes) {
    const { value, argsAfter } = await answer.callWithArgs("writesLostOnFailover", given, probe.follower, probe.atMs);
    const violation = checkLost(run, probe, value);
    if (violation) {
      record("probe", probe);
      return violation;
    }
    const after = argsAfter[0] as unknown as RunWrites | undefined;
    if (!after || fingerprint(after) !== before) return { rule: "the run must not be changed", details: "the write table differs after the call", involved: probe };
  }
  return null;
}

const simulatedRuns = (count: number) => async (c: GradedContext) => {
  await c.each(c.seeds(count), (seed, record) => {
    const config = lossWindowConfig(seed);
    record("run", describeRun(config));
    const run = simulate(config);
    return judgeProbes(run, probesFor(run, seed), record);
  });
};

const predictions = (count: number) => async (c: GradedContext) => {
  await c.each(c.seeds(count), async (seed, record) => {
    const k = riskCase(seed);
    record("dashboard", { writesPerSec: k.writesPerSec, meanLagMs: k.meanLagMs, followerDelay: k.delay });
    const predicted = await answer.call("expectedWritesLost", { writesPerSec: k.writesPerSec, meanLagMs: k.meanLagMs });
    return checkPrediction(k, k.writesAtRiskMean, predicted);
  });
};

graded(
  { name: "lists the acknowledged writes the follower has not received, with each boundary right", points: 3, visibility: "public" },
  async (c) => {
    await c.each(HAND_CASES, (k, record) => {
      record("writes", { followers: k.run.followers, ackMs: Array.from(k.run.writes.ackMs), receivedMs: k.run.writes.receivedMs.map((r) => Array.from(r)) });
      return judgeProbes(k.run, [k.probe], record);
    });
  },
);

graded(
  { name: "lists exactly the lost writes in simulated runs, also at an acknowledgement or a receipt", points: 3, visibility: "public" },
  simulatedRuns(8),
);

graded(
  { name: "lists exactly the lost writes in simulated runs (hidden seeds)", points: 4, visibility: "hidden" },
  simulatedRuns(30),
);

graded(
  { name: "predicts the writes at risk from the rate and the lag, in writes", points: 1, visibility: "public" },
  async (c) => {
    const round = [
      { label: "1000 writes/s, 5 ms behind", writesPerSec: 1000, meanLagMs: 5, want: 5 },
      { label: "200 writes/s, 50 ms behind", writesPerSec: 200, meanLagMs: 50, want: 10 },
      { label: "50 writes/s, 4 ms behind", writesPerSec: 50, meanLagMs: 4, want: 0.2 },
    ];
    await c.each(round, async (k, record) => {
      record("dashboard", { writesPerSec: k.writesPerSec, meanLagMs: k.meanLagMs });
      return checkPrediction(k, k.want, await answer.call("expectedWritesLost", { writesPerSec: k.writesPerSec, meanLagMs: k.meanLagMs }));
    });
  },
);

graded(
  { name: "predicts the writes at risk of simulated runs within 10%", points: 2, visibility: "public" },
  predictions(4),
);

graded(
  { name: "predicts the writes at risk of simulated runs within 10% (hidden seeds)", points: 3, visibility: "hidden" },
  predictions(8),
);

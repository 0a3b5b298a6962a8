/**
 * Exercise 02 — the data-loss window. Part (a) is compared exactly with the grader's answer, on
 * hand-made write tables with writes right on the boundaries and on seeded simulated runs probed
 * at random moments and exactly at acknowledgements and receipts (a failing run is shown shrunk to
 * the few writes that still fail); a search of small write tables keyed by the grading secret must
 * find no mistake before full marks. Part (b) is compared with the writes at risk in a simulated
 * run, within 10%.
 */
// Types only: the submission runs in its own sandbox process and answers with plain data (student.ts).
import type * as Exercise from "../../exercises/02-data-loss-window";
import { simulate } from "../../lib";
import { graded, type GradedContext } from "../graded";
import { searchTest } from "../search/search-test";
import { student } from "../student";
import {
  AIMED_LOSS_CONFIGS,
  AIMED_RISK_CASES,
  HAND_CASES,
  aimedLossConfig,
  aimedRiskCase,
  boundaryProbes,
  checkPrediction,
  describeRun,
  judgeProbes,
  lossSearch,
  lossWindowConfig,
  probesFor,
  riskCase,
  showTable,
  shrinkSimulated,
} from "./02-data-loss-window.support";

const answer = student<typeof Exercise>("02-data-loss-window");

/**
 * A seeded run and the failovers asked about it. `aimed` (hidden seeds): the run is of the kind
 * its seed names (`AIMED_LOSS_CONFIGS`), and the failovers include one at each boundary of the rule.
 */
function seededCase(seed: number, aimed: boolean) {
  const config = aimed ? aimedLossConfig(seed) : lossWindowConfig(seed);
  const run = simulate(config);
  return { config, run, probes: aimed ? [...probesFor(run, seed), ...boundaryProbes(run, seed)] : probesFor(run, seed) };
}

const simulatedRuns = (count: number, aimed = false) => async (c: GradedContext) => {
  await c.each(
    aimed ? c.seedsTakingTurns(count, AIMED_LOSS_CONFIGS.length) : c.seeds(count),
    (seed, record) => {
      const { config, run, probes } = seededCase(seed, aimed);
      record("run", describeRun(config));
      return judgeProbes(answer, run, probes, record);
    },
    {
      shrink: (seed, record) => {
        const { config, run, probes } = seededCase(seed, aimed);
        record("run", describeRun(config));
        return shrinkSimulated(answer, run, probes, record);
      },
    },
  );
};

/** Part (b) on seeded runs; `aimed` (hidden seeds): the seeds take turns at the kinds of `AIMED_RISK_CASES`. */
const predictions = (count: number, aimed = false) => async (c: GradedContext) => {
  await c.each(aimed ? c.seedsTakingTurns(count, AIMED_RISK_CASES.length) : c.seeds(count), async (seed, record) => {
    const k = aimed ? aimedRiskCase(seed) : riskCase(seed);
    record("dashboard", { writesPerSec: k.writesPerSec, meanLagMs: k.meanLagMs, followerDelay: k.delay });
    const predicted = await answer.call("expectedWritesLost", { writesPerSec: k.writesPerSec, meanLagMs: k.meanLagMs });
    return checkPrediction(k, k.writesAtRiskMean, predicted);
  });
};

graded(
  { name: "lists the acknowledged writes the follower has not received, with each boundary right", points: 3, visibility: "public" },
  async (c) => {
    await c.each(HAND_CASES, (k, record) => {
      record("writes", showTable(k.run));
      return judgeProbes(answer, k.run, [k.probe], record);
    });
  },
);

graded(
  { name: "lists exactly the lost writes in simulated runs, also at an acknowledgement or a receipt", points: 3, visibility: "public" },
  simulatedRuns(8),
);

graded(
  { name: "predicts the writes at risk from the rate and the lag, in writes", points: 1, visibility: "public" },
  async (c) => {
    const round = [
      { label: "1000 writes/s, 5 ms behind", writesPerSec: 1000, meanLagMs: 5, want: 5 },
      { label: "200 writes/s, 50 ms behind", writesPerSec: 200, meanLagMs: 50, want: 10 },
      { label: "50 writes/s, 4 ms behind", writesPerSec: 50, meanLagMs: 4, want: 0.2 },
      { label: "3 writes/s, 1.5 ms behind: a fraction of a hundredth of a write", writesPerSec: 3, meanLagMs: 1.5, want: 0.0045 },
      { label: "a write every 100 s, 2 ms behind: two hundred-thousandths of a write", writesPerSec: 0.01, meanLagMs: 2, want: 0.00002 },
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
  { name: "a search of 200 small write tables finds no wrong list of lost writes", points: 2, visibility: "public", caseTimeoutMs: 10_000 },
  searchTest(() => lossSearch(answer, 200)),
);

graded(
  { name: "lists exactly the lost writes in simulated runs (hidden seeds)", points: 4, visibility: "hidden" },
  simulatedRuns(30, true),
);

graded(
  { name: "predicts the writes at risk of simulated runs within 10% (hidden seeds)", points: 3, visibility: "hidden" },
  predictions(8, true),
);

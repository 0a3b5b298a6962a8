/**
 * Exercise 04 — choosing ack policies. Each case simulates one service's cluster with the chosen
 * policy on one seed: a normal run for commit latency and a crash run for lost acknowledged
 * writes. Public cases run fixed seeds, hidden ones secret seeds. Cases built from the chosen
 * policy, the hidden ones among them, crash the leader at its worst moment (just after
 * acknowledging the most writes no surviving follower has yet; where no write may be lost, in the
 * run as described or with the surviving followers slowed, whichever is worse), and a search of
 * crash moments and seeds keyed by the grading secret must find no missed target before full
 * marks. A run that lost acknowledged writes is shown shrunk.
 */
// Types only: the submission runs in its own sandbox process and answers with plain data (student.ts).
import type * as Exercise from "../../exercises/04-choose-ack-policy";
import { graded, type GradedContext, type Recorder } from "../graded";
import { student } from "../student";
import { searchTest } from "../search/search-test";
import { SERVICE_NAMES, SERVICES, crashSearch, edgeMomentOf, judgeService, shrinkCrashCase, worstMomentOf, type Service, type ServiceName } from "./04-choose-ack-policy.support";

const answer = student<typeof Exercise>("04-choose-ack-policy");

/**
 * Judges `policy` at the worst moment of the seed's run (`worstMomentOf`), then, if it passes and
 * has a fallback, at accounts' edge moment (`edgeMomentOf`): the first rule broken, or null.
 */
async function atWorstMoments(
  judge: typeof judgeService | typeof shrinkCrashCase,
  service: Service,
  policy: unknown,
  seed: number,
  record: Recorder,
): Promise<ReturnType<typeof judgeService>> {
  const broken = await judge(service, policy, seed, record, worstMomentOf(service, policy, seed));
  if (broken) return broken;
  const edge = edgeMomentOf(service, policy, seed);
  return edge ? judge(service, policy, seed, record, edge) : null;
}

/**
 * One service's targets on seeded runs. `atWorst` (hidden seeds): the leader crashes at the
 * moment of the seed's run worst for the chosen policy, not at a random one: a random moment
 * finds a fallback's exposed writes on some seeds only, and a hidden test's verdict must not hang
 * on the secret's luck. For ledger and accounts that moment is also looked for with the surviving
 * followers slowed (`slowedSurvivors`), where any fallback to async gives way.
 */
const service = (name: ServiceName, seeds: number, atWorst = false) => async (c: GradedContext) => {
  const judged = (judge: typeof judgeService | typeof shrinkCrashCase) => async (seed: number, record: Recorder) => {
    const policy = await answer.call("chooseAckPolicy", name);
    return atWorst ? atWorstMoments(judge, SERVICES[name], policy, seed, record) : judge(SERVICES[name], policy, seed, record);
  };
  await c.each(c.seeds(seeds), judged(judgeService), { shrink: judged(shrinkCrashCase) });
};

graded(
  { name: "ledger: p99 commit latency within 20 ms, and no acknowledged write lost when the leader's zone fails", points: 2, visibility: "public" },
  service("ledger", 2),
);

graded(
  { name: "metrics: p99 commit latency within 1 ms, and at most 100 acknowledged writes lost when the leader crashes", points: 2, visibility: "public" },
  service("metrics", 2),
);

graded(
  { name: "accounts: p99 commit latency within 10 ms through maintenance, and no acknowledged write lost when the leader crashes", points: 2, visibility: "public" },
  service("accounts", 2),
);

graded(
  { name: "ledger meets its targets in the text's example: seed 1, the leader's zone failing at 600 ms", points: 1, visibility: "public" },
  async (c) => {
    const moment = { seed: 1, crashAtMs: 600, atRisk: 0, marginMs: 0, why: "the text's example" };
    await c.each([{ label: "ledger, seed 1, L and A crashing at 600 ms" }], async (_, record) => judgeService(SERVICES.ledger, await answer.call("chooseAckPolicy", "ledger"), 1, record, moment), {
      shrink: async (_, record) => shrinkCrashCase(SERVICES.ledger, await answer.call("chooseAckPolicy", "ledger"), 1, record, moment),
    });
  },
);

graded(
  { name: "loses no more acknowledged writes than allowed when the leader crashes at the worst moment for the chosen policy", points: 2, visibility: "public" },
  async (c) => {
    const cases = SERVICE_NAMES.map((name) => ({ label: `${name}, seed 1`, name, seed: 1 }));
    const worstCase = (judge: typeof judgeService | typeof shrinkCrashCase) => async (k: (typeof cases)[number], record: Recorder) => {
      const policy = await answer.call("chooseAckPolicy", k.name);
      return atWorstMoments(judge, SERVICES[k.name], policy, k.seed, record);
    };
    await c.each(cases, worstCase(judgeService), { shrink: worstCase(shrinkCrashCase) });
  },
);

graded(
  { name: "a search of crash moments and seeds finds no missed target", points: 2, visibility: "public", caseTimeoutMs: 10_000 },
  searchTest(async (seed) => {
    const r = await answer.run(SERVICE_NAMES.map((name) => ({ call: "chooseAckPolicy", args: [name] })));
    if (r.error) throw r.error;
    const policies = Object.fromEntries(SERVICE_NAMES.map((name, i) => [name, r.values[i]])) as Record<ServiceName, unknown>;
    return crashSearch(policies, [(seed % 100_000) + 1], 9);
  }),
);

graded({ name: "ledger meets its targets on hidden seeds", points: 2, visibility: "hidden" }, service("ledger", 3, true));

graded({ name: "metrics meets its targets on hidden seeds", points: 2, visibility: "hidden" }, service("metrics", 3, true));

graded({ name: "accounts meets its targets on hidden seeds", points: 2, visibility: "hidden" }, service("accounts", 3, true));

/**
 * Exercise 03 — read policies for a model registry. Every seeded case simulates the registry with
 * the submission's policy for each operation; public tests check one invariant each on fixed
 * seeds, the hidden test all of them on secret seeds; a case built from the serving policy puts
 * followers at its weak spot (trailing between a loose staleness bound and the 100 ms limit):
 * all three, B and C, or C alone, taking turns by seed (`aimedTrailing`), and a search of runs
 * keyed by the grading secret must find nothing before full marks. Every run loads
 * the file afresh; one test routes the same run twice in one loaded file and names a router that
 * keeps state outside ctx.session. The written reasons are recorded for a human grader and only
 * checked for being there.
 */
// Types only: the submission runs in its own sandbox process and answers with plain data (student.ts).
import type * as Exercise from "../../exercises/03-model-registry";
import { graded, type GradedContext, type Recorder } from "../graded";
import { student } from "../student";
import { searchTest } from "../search/search-test";
import {
  aimedTrailing,
  ALL_INVARIANTS,
  askPolicies,
  freshly,
  judgeNoCarriedState,
  judgeRegistry,
  OPERATIONS,
  policyRoutingName,
  readPolicy,
  registrySearch,
  shrinkRegistry,
  TRAILING_KINDS,
  type Invariant,
  type Operation,
  type Policy,
  type RegistryRun,
} from "./03-model-registry.support";

const answer = student<typeof Exercise>("03-model-registry");

/**
 * Each case routes in a freshly loaded module, so that no case's verdict depends on state an
 * earlier one left behind. `trailing`: the run has followers trailing at the serving policy's
 * weak spot instead of the slow spell ("both": the slow-spell run, then the trailing one); the
 * seeds then take turns at the kinds of trailing run (every follower, B and C, C alone), so every
 * draw holds each kind.
 */
const keeps = (invariants: readonly Invariant[], seeds: number, trailing: "never" | "always" | "both" = "never") => async (c: GradedContext) => {
  /** The runs the case of `seed` judges, in order (undefined: the slow spell). */
  const runsFor = (seed: number, chosen: Record<Operation, Policy>): RegistryRun[] => {
    if (trailing === "never") return [undefined];
    const aimed = aimedTrailing(seed, chosen["serve-model"]);
    return trailing === "always" ? [aimed] : [undefined, aimed];
  };
  const items = trailing === "never" ? c.seeds(seeds) : c.seedsTakingTurns(seeds, TRAILING_KINDS.length);
  /** Asked afresh for each case, as a router would be configured for each run. */
  const ask = async (record: Recorder) => {
    const chosen = await askPolicies(answer);
    if (!("rule" in chosen)) record("routing", Object.fromEntries(OPERATIONS.map((op) => [op, policyRoutingName(chosen[op])])));
    return chosen;
  };
  await c.each(
    items,
    async (seed, record) => {
      const chosen = await ask(record);
      if ("rule" in chosen) return chosen;
      for (const lagging of runsFor(seed, chosen)) {
        const broken = await judgeRegistry(seed, chosen, invariants, record, freshly(answer), lagging);
        if (broken) return broken;
      }
      return null;
    },
    {
      // The first failing run, shown smaller.
      shrink: async (seed, record) => {
        const chosen = await ask(record);
        return "rule" in chosen ? chosen : shrinkRegistry({ seed, policies: chosen, which: invariants, answer: freshly(answer), runs: runsFor(seed, chosen) }, record);
      },
    },
  );
};

graded(
  { name: "whoever registers a version reads it back at once", points: 1, visibility: "public", caseTimeoutMs: 5000 },
  keeps(["register"], 3),
);

graded(
  { name: "whoever promotes a version sees it in production at once", points: 1, visibility: "public", caseTimeoutMs: 5000 },
  keeps(["promote"], 3),
);

graded(
  { name: "no serving node loads a version more than 100 ms after it was demoted", points: 2, visibility: "public", caseTimeoutMs: 5000 },
  keeps(["serve"], 3),
);

graded(
  { name: "an audit read shows every entry acknowledged before it began", points: 1, visibility: "public", caseTimeoutMs: 5000 },
  keeps(["audit"], 3),
);

graded(
  { name: "the leader serves at most 15% of the registry's reads", points: 2, visibility: "public", caseTimeoutMs: 5000 },
  keeps(["budget"], 3),
);

graded(
  { name: "gives a reason in words for each operation's policy", points: 1, visibility: "public" },
  async (c) => {
    await c.each(
      OPERATIONS.map((op) => ({ label: op })),
      async ({ label }, record) => {
        const op = label as (typeof OPERATIONS)[number];
        const policy = readPolicy(op, await answer.call("choosePolicy", op));
        if ("rule" in policy) return policy;
        const { reason } = policy;
        record("routing", policyRoutingName(policy));
        record("reason", reason);
        c.note(label, typeof reason === "string" ? reason : JSON.stringify(reason));
        const words = typeof reason === "string" ? reason.trim().split(/\s+/).filter(Boolean).length : 0;
        if (words < 5) {
          return { rule: "each operation's policy comes with a reason of at least five words", details: `the reason for ${label} has ${words} word(s)`, got: reason };
        }
      },
    );
  },
);

graded(
  { name: "no serving node loads a version demoted over 100 ms ago, with a follower trailing at the serving policy's weak spot", points: 2, visibility: "public", caseTimeoutMs: 5000 },
  keeps(["serve"], 2, "always"),
);

graded(
  { name: "a router keeps its memory in ctx.session, so the same run routed twice decides alike", points: 1, visibility: "public", caseTimeoutMs: 10_000 },
  async (c) => {
    await c.each([{ label: "the registry of seed 1, routed twice in a row" }], async (_, record) => {
      const chosen = await askPolicies(answer);
      if ("rule" in chosen) return chosen;
      return judgeNoCarriedState(1, chosen, answer, record);
    });
  },
);

graded(
  { name: "a search of registry runs and trailing followers finds no broken invariant", points: 2, visibility: "public", caseTimeoutMs: 20_000 },
  searchTest(async (seed) => {
    const chosen = await askPolicies(answer);
    return "rule" in chosen ? chosen : registrySearch(answer, chosen, seed, 5);
  }),
);

graded(
  { name: "keeps every invariant within the leader budget (hidden seeds)", points: 6, visibility: "hidden", caseTimeoutMs: 5000 },
  keeps(ALL_INVARIANTS, 6, "both"),
);

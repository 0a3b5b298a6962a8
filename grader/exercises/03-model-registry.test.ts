/**
 * Exercise 03 — read policies for a model registry. Every seeded case simulates the registry with
 * the submission's policy for each operation; public tests check one invariant each on fixed
 * seeds, the hidden test all of them on secret seeds. The written reasons are recorded for a
 * human grader and only checked for being there.
 */
// Types only: the submission runs in its own sandbox process and answers with plain data (student.ts).
import type * as Exercise from "../../exercises/03-model-registry";
import { graded, type GradedContext } from "../graded";
import { student } from "../student";
import { askPolicies, judgeRegistry, OPERATIONS, policyRoutingName, readPolicy, type Invariant } from "./03-model-registry.support";

const answer = student<typeof Exercise>("03-model-registry");

const keeps = (invariants: Invariant[], seeds: number) => async (c: GradedContext) => {
  await c.each(c.seeds(seeds), async (seed, record) => {
    // Asked afresh for each case, as a router would be configured for each run.
    const chosen = await askPolicies(answer);
    if ("rule" in chosen) return chosen;
    record("routing", Object.fromEntries(OPERATIONS.map((op) => [op, policyRoutingName(chosen[op])])));
    return judgeRegistry(seed, chosen, invariants, record, answer);
  });
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
  { name: "keeps every invariant within the leader budget (hidden seeds)", points: 6, visibility: "hidden", caseTimeoutMs: 5000 },
  keeps(["register", "promote", "serve", "audit", "budget"], 6),
);

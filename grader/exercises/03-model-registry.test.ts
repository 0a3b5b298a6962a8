/**
 * Exercise 03 — read policies for a model registry. Every seeded case simulates the registry with
 * the submission's policy for each operation; public tests check one invariant each on fixed
 * seeds, the hidden test all of them on secret seeds. The written reasons are recorded for a
 * human grader and only checked for being there.
 */
// The grader points this import at the submission being graded (grader/vitest.config.ts).
import { choosePolicy } from "../../exercises/03-model-registry";
import { routingName } from "../../lib/reads";
import { graded, type GradedContext } from "../graded";
import { judgeRegistry, OPERATIONS, type Invariant, type Operation, type Policy } from "./03-model-registry.support";

/** The submission's policy for every operation, asked afresh for each case. */
function policies(): Record<Operation, Policy> {
  const out = {} as Record<Operation, Policy>;
  for (const op of OPERATIONS) out[op] = choosePolicy(op);
  return out;
}

const keeps = (invariants: Invariant[], seeds: number) => async (c: GradedContext) => {
  await c.each(c.seeds(seeds), (seed, record) => {
    const chosen = policies();
    record("routing", Object.fromEntries(OPERATIONS.map((op) => [op, routingName(chosen[op].routing)])));
    return judgeRegistry(seed, chosen, invariants, record);
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
      ({ label }, record) => {
        const { routing, reason } = choosePolicy(label as Operation);
        record("routing", routingName(routing));
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

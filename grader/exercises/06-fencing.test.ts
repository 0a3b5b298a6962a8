/**
 * Exercise 06 — fencing tokens at the storage layer. Every case feeds a stream of token-carrying
 * writes through a fresh store (in a freshly loaded module) and checks each outcome and the reads:
 * hand-made streams with the text's example, streams that probe each token boundary right after
 * the store has seen it, random streams, the writes both leaders accepted in simulated failovers
 * where the old leader comes back, and a search of small streams before full marks. A failing
 * stream is shown with as few writes as still fail.
 */
// Types only: the submission runs in its own sandbox process and answers with plain data (student.ts).
import type * as Exercise from "../../exercises/06-fencing";
import { graded, type GradedContext } from "../graded";
import { searchTest } from "../search/search-test";
import { student } from "../student";
import { HAND_CASES, checkStream, failoverStream, fencingSearch, probingStream, randomStream, shrinkStream, type TokenWrite } from "./06-fencing.support";

const answer = student<typeof Exercise>("06-fencing");

const show = (writes: readonly TokenWrite[]) => writes.map((w) => [w.token, w.key, w.value]);

const streams = (count: number, make: (seed: number) => TokenWrite[]) => async (c: GradedContext) => {
  await c.each(
    c.seeds(count),
    (seed, record) => {
      const writes = make(seed);
      record("writes", show(writes));
      return checkStream(writes, answer);
    },
    { shrink: (seed, record) => shrinkStream(make(seed), answer, record) },
  );
};

const failovers = (count: number) => async (c: GradedContext) => {
  await c.each(
    c.seeds(count),
    (seed, record) => {
      const { config, run, writes } = failoverStream(seed);
      record.run?.(run);
      record("faults", config.faults);
      record("writes", `${writes.length} writes from ${[...new Set(writes.map((w) => `${w.node} (token ${w.token})`))].join(", ")}`);
      return checkStream(writes, answer);
    },
    {
      // The writes that still fail, drawn in the run they came from.
      shrink: (seed, record) => {
        const { config, run, writes } = failoverStream(seed);
        record.run?.(run);
        record("faults", config.faults);
        return shrinkStream(writes, answer, record);
      },
    },
  );
};

graded(
  { name: "accepts the current leader's writes and rejects older tokens, across keys", points: 3, visibility: "public" },
  async (c) => {
    await c.each(
      HAND_CASES,
      (k, record) => {
        record("writes", show(k.writes));
        return checkStream(k.writes, answer);
      },
      { shrink: (k, record) => shrinkStream(k.writes, answer, record) },
    );
  },
);

graded(
  { name: "gives every new store its own state", points: 1, visibility: "public" },
  async (c) => {
    await c.each([{ label: "a store made after a newer token was seen elsewhere" }], async () => {
      const r = await answer.run(
        [
          { call: "createFencedStore", args: [], keep: "first" },
          { invoke: "first", method: "write", args: [5, "x", "first"] },
          { call: "createFencedStore", args: [], keep: "second" },
          { invoke: "second", method: "write", args: [1, "x", "second"] },
          { invoke: "second", method: "read", args: ["x"] },
        ],
        { fresh: true },
      );
      if (r.error) throw r.error;
      if (r.values[3] !== "accepted" || r.values[4] !== "second") {
        return {
          rule: "each store created by createFencedStore starts empty: no state is shared between stores (keep nothing in module-level variables)",
          details: `after one store saw token 5, a new store answered ${JSON.stringify(r.values[3])} to token 1 and read ${JSON.stringify(r.values[4])} back`,
        };
      }
      return null;
    });
  },
);

graded(
  { name: "rejects each deposed token, and lowers nothing, right after a new token is seen", points: 2, visibility: "public" },
  streams(4, probingStream),
);

graded({ name: "fences random token streams", points: 2, visibility: "public" }, streams(10, randomStream));

graded(
  { name: "lets no deposed leader's write through, and rejects no valid one, in simulated failovers", points: 3, visibility: "public" },
  failovers(4),
);

graded(
  { name: "a search of 120 small token streams finds no broken rule", points: 2, visibility: "public", caseTimeoutMs: 10_000 },
  searchTest(() => fencingSearch(answer, 120)),
);

graded({ name: "fences random token streams (hidden seeds)", points: 2, visibility: "hidden" }, streams(20, randomStream));

graded({ name: "fences streams that probe each token boundary (hidden seeds)", points: 2, visibility: "hidden" }, streams(8, probingStream));

graded({ name: "fences simulated failovers (hidden seeds)", points: 3, visibility: "hidden" }, failovers(8));

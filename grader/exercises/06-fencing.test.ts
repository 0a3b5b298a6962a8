/**
 * Exercise 06 — fencing tokens at the storage layer. Every case feeds a stream of token-carrying
 * writes through a fresh store (in a freshly loaded module), or two alive at once, and checks each
 * outcome and the reads: hand-made streams with the text's example, streams that probe each token
 * boundary right after the store has seen it (small tokens, past 2^31, up to
 * Number.MAX_SAFE_INTEGER), random streams in one store and in two, the writes both leaders accepted in simulated failovers
 * where the old leader comes back, and a search of small streams before full marks. A failing
 * stream is shown with as few writes as still fail.
 */
// Types only: the submission runs in its own sandbox process and answers with plain data (student.ts).
import type * as Exercise from "../../exercises/06-fencing";
import { graded, type GradedContext } from "../graded";
import { turnOf } from "../search/aims";
import { searchTest } from "../search/search-test";
import { student } from "../student";
import {
  HAND_CASES,
  LONG_CASES,
  PROBING_STREAMS,
  RANDOM_STREAMS,
  TWO_STORE_CASES,
  checkStream,
  failoverStream,
  fencingSearch,
  shownWrites as show,
  shrinkStream,
  type TokenWrite,
} from "./06-fencing.support";

const answer = student<typeof Exercise>("06-fencing");

/**
 * Streams from seeds that take turns at `kinds` (`seedsTakingTurns`): random streams in one store
 * and in two stores alive at once; probing streams with small tokens, tokens past 2^31 and tokens
 * up to Number.MAX_SAFE_INTEGER. Every draw, public or hidden, meets each kind.
 */
const streams = (count: number, kinds: readonly ((seed: number) => TokenWrite[])[]) => async (c: GradedContext) => {
  const make = (seed: number) => kinds[turnOf(seed, kinds.length)](seed);
  await c.each(
    c.seedsTakingTurns(count, kinds.length),
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

/** Two stores in one loaded module, each case showing one kind of state they must not share. */
const SEPARATE_STORES = [
  {
    label: "a store made after a newer token was seen elsewhere",
    steps: [
      { call: "createFencedStore" as const, args: [] as [], keep: "first" },
      { invoke: "first", method: "write", args: [5, "x", "first"] },
      { call: "createFencedStore" as const, args: [] as [], keep: "second" },
      { invoke: "second", method: "write", args: [1, "x", "second"] },
      { invoke: "second", method: "read", args: ["x"] },
    ],
    judge: (v: unknown[]) =>
      v[3] === "accepted" && v[4] === "second"
        ? null
        : {
            rule: "each store created by createFencedStore starts empty: no state is shared between stores (keep nothing in module-level variables)",
            details: `after one store saw token 5, a new store answered ${JSON.stringify(v[3])} to token 1 and read ${JSON.stringify(v[4])} back`,
          },
  },
  {
    label: "a store made after another one stored values",
    steps: [
      { call: "createFencedStore" as const, args: [] as [], keep: "first" },
      { invoke: "first", method: "write", args: [1, "y", "first's"] },
      { call: "createFencedStore" as const, args: [] as [], keep: "second" },
      { invoke: "second", method: "read", args: ["y"] },
      { invoke: "second", method: "write", args: [1, "y", "second's"] },
      { invoke: "first", method: "read", args: ["y"] },
    ],
    judge: (v: unknown[]) =>
      v[3] === null && v[5] === "first's"
        ? null
        : {
            rule: "each store created by createFencedStore keeps its own values: a new store reads null for a key only another store wrote, and a write to one store leaves the other's values alone (keep nothing in module-level variables)",
            details: `after the first store stored "first's" under y, a new store read ${JSON.stringify(v[3])} for y; after the new store wrote y, the first store read ${JSON.stringify(v[5])}`,
            got: [v[3], v[5]],
            want: [null, "first's"],
          },
  },
];

graded(
  { name: "accepts the current leader's writes and rejects older tokens, across keys", points: 3, visibility: "public" },
  async (c) => {
    await c.each(
      [...HAND_CASES, ...LONG_CASES],
      (k, record) => {
        record("writes", "shown" in k ? k.shown : show(k.writes));
        return checkStream(k.writes, answer);
      },
      // A long stream is shown whole, in the words of its `shown`: shrunk, it would be another
      // stream of a thousand writes or more, which its label no longer describes.
      { shrink: (k, record) => ("shown" in k ? null : shrinkStream(k.writes, answer, record)) },
    );
  },
);

graded(
  { name: "gives every new store its own state", points: 1, visibility: "public" },
  async (c) => {
    // Two stores made one after the other, then streams with two stores alive and written in turn.
    await c.each([...SEPARATE_STORES, ...TWO_STORE_CASES], async (k, record) => {
      if ("writes" in k) {
        record("writes", show(k.writes));
        return checkStream(k.writes, answer);
      }
      const r = await answer.run(k.steps, { fresh: true });
      if (r.error) throw r.error;
      return k.judge(r.values);
    });
  },
);

graded(
  { name: "rejects each deposed token, and lowers nothing, right after a new token is seen", points: 2, visibility: "public" },
  streams(4, PROBING_STREAMS),
);

graded({ name: "fences random token streams", points: 2, visibility: "public" }, streams(10, RANDOM_STREAMS));

graded(
  { name: "lets no deposed leader's write through, and rejects no valid one, in simulated failovers", points: 3, visibility: "public" },
  failovers(4),
);

graded(
  { name: "a search of 120 small token streams finds no broken rule", points: 2, visibility: "public", caseTimeoutMs: 10_000 },
  searchTest(() => fencingSearch(answer, 120)),
);

graded({ name: "fences random token streams (hidden seeds)", points: 2, visibility: "hidden" }, streams(20, RANDOM_STREAMS));

graded({ name: "fences streams that probe each token boundary (hidden seeds)", points: 2, visibility: "hidden" }, streams(8, PROBING_STREAMS));

graded({ name: "fences simulated failovers (hidden seeds)", points: 3, visibility: "hidden" }, failovers(8));

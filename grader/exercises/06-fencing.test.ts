/**
 * Exercise 06 — fencing tokens at the storage layer. Every case feeds a stream of token-carrying
 * writes through a fresh store and checks each outcome and the final reads: hand-made streams,
 * random streams, and the writes both leaders accepted in simulated failovers where the old
 * leader comes back.
 */
// Types only: the submission runs in its own sandbox process and answers with plain data (student.ts).
import type * as Exercise from "../../exercises/06-fencing";
import { graded, type GradedContext } from "../graded";
import { student } from "../student";
import { HAND_CASES, checkStream, failoverStream, randomStream } from "./06-fencing.support";

const answer = student<typeof Exercise>("06-fencing");

const randomStreams = (count: number) => async (c: GradedContext) => {
  await c.each(c.seeds(count), (seed, record) => {
    const writes = randomStream(seed);
    record("writes", writes.map((w) => [w.token, w.key, w.value]));
    return checkStream(writes, answer);
  });
};

const failovers = (count: number) => async (c: GradedContext) => {
  await c.each(c.seeds(count), (seed, record) => {
    const { config, run, writes } = failoverStream(seed);
    record.run?.(run);
    record("faults", config.faults);
    record("writes", `${writes.length} writes from ${[...new Set(writes.map((w) => `${w.node} (token ${w.token})`))].join(", ")}`);
    return checkStream(writes, answer);
  });
};

graded(
  { name: "accepts the current leader's writes and rejects older tokens, across keys", points: 3, visibility: "public" },
  async (c) => {
    await c.each(HAND_CASES, (k, record) => {
      record("writes", k.writes.map((w) => [w.token, w.key, w.value]));
      return checkStream(k.writes, answer);
    });
  },
);

graded(
  { name: "gives every new store its own state", points: 1, visibility: "public" },
  async (c) => {
    await c.each([{ label: "a store made after a newer token was seen elsewhere" }], async () => {
      const r = await answer.run([
        { call: "createFencedStore", args: [], keep: "first" },
        { invoke: "first", method: "write", args: [5, "x", "first"] },
        { call: "createFencedStore", args: [], keep: "second" },
        { invoke: "second", method: "write", args: [1, "x", "second"] },
        { invoke: "second", method: "read", args: ["x"] },
      ]);
      if (r.error) throw r.error;
      if (r.values[3] !== "accepted" || r.values[4] !== "second") {
        return { rule: "each store created by createFencedStore starts empty: no state is shared between stores", details: "a new store rejected token 1 or returned another store's value after another store saw token 5" };
      }
      return null;
    });
  },
);

graded({ name: "fences random token streams", points: 2, visibility: "public" }, randomStreams(10));

graded(
  { name: "lets no deposed leader's write through, and rejects no valid one, in simulated failovers", points: 3, visibility: "public" },
  failovers(4),
);

graded({ name: "fences random token streams (hidden seeds)", points: 2, visibility: "hidden" }, randomStreams(30));

graded({ name: "fences simulated failovers (hidden seeds)", points: 4, visibility: "hidden" }, failovers(10));

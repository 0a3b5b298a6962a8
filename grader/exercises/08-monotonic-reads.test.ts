/**
 * Exercise 08 — monotonic reads through follower crashes. Every case is one simulated run with
 * the submission as the read router; public cases run fixed seeds, hidden ones secret seeds.
 */
// Types only: the submission runs in its own sandbox process and answers with plain data (student.ts).
import type * as Exercise from "../../exercises/08-monotonic-reads";
import { graded } from "../graded";
import { student } from "../student";
import { judgeSticky } from "./08-monotonic-reads.support";

const answer = student<typeof Exercise>("08-monotonic-reads");

graded(
  { name: "no client sees a key go back in time while followers crash, and followers serve most reads", points: 4, visibility: "public", caseTimeoutMs: 5000 },
  async (c) => {
    await c.each(c.seeds(5), (seed, record) => judgeSticky(seed, answer, record));
  },
);

graded(
  { name: "no client sees a key go back in time while followers crash (hidden seeds)", points: 6, visibility: "hidden", caseTimeoutMs: 5000 },
  async (c) => {
    await c.each(c.seeds(10), (seed, record) => judgeSticky(seed, answer, record));
  },
);

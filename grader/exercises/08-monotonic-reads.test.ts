/**
 * Exercise 08 — monotonic reads through follower crashes. Every case is a simulated run with the
 * submission as the read router, routed in a freshly loaded module: the text's example, scenes
 * that crash the follower the router chose at the worst moment, seeded runs (public ones shrunk
 * before they are shown, hidden ones on secret seeds taking turns with those scenes moved in
 * time), a check that the router keeps its memory
 * in ctx.session, and a search of small runs before full marks.
 */
// Types only: the submission runs in its own sandbox process and answers with plain data (student.ts).
import type * as Exercise from "../../exercises/08-monotonic-reads";
import { graded } from "../graded";
import { searchTest } from "../search/search-test";
import { student } from "../student";
import {
  AIMED_STICKY_KINDS,
  judgeAimedSticky,
  judgeMonotonic,
  judgeSticky,
  judgeTrap,
  shrinkSticky,
  stateCheckRuns,
  stickySearch,
  textExample,
  TRAPS,
} from "./08-monotonic-reads.support";
import { stateCheck } from "./sessions.support";

const answer = student<typeof Exercise>("08-monotonic-reads");

graded(
  { name: "the text's example: no key goes back in time while A, then B, crash, and followers serve most reads", points: 1, visibility: "public", caseTimeoutMs: 5000 },
  async (c) => {
    await c.each([{ label: "three unequal followers, A then B crashing" }], (_k, record) => judgeMonotonic(answer, textExample(), record));
  },
);

graded(
  { name: "never shows a client an older value when the follower it chose crashes at the worst moment", points: 3, visibility: "public", caseTimeoutMs: 5000 },
  async (c) => {
    await c.each(TRAPS, (trap, record) => judgeTrap(answer, trap, record));
  },
);

graded(
  { name: "no client sees a key go back in time while followers crash, and followers serve most reads", points: 2, visibility: "public", caseTimeoutMs: 5000 },
  async (c) => {
    await c.each(c.seeds(5), (seed, record) => judgeSticky(seed, answer, record), { shrink: (seed, record) => shrinkSticky(seed, answer, record) });
  },
);

graded(
  { name: "keeps per-client memory in ctx.session and draws randomness from ctx.random() only", points: 1, visibility: "public", caseTimeoutMs: 5000 },
  stateCheck(answer, stateCheckRuns),
);

graded(
  { name: "a search of 25 small runs with crashes finds no client going back in time", points: 2, visibility: "public", caseTimeoutMs: 20_000 },
  searchTest(() => stickySearch(answer, 25)),
);

graded(
  { name: "no client sees a key go back in time while followers crash (hidden seeds)", points: 4, visibility: "hidden", caseTimeoutMs: 5000 },
  async (c) => {
    await c.each(c.seedsTakingTurns(14, AIMED_STICKY_KINDS), (seed, record) => judgeAimedSticky(seed, answer, record));
  },
);

/**
 * Exercise 01 — read-your-writes routing. Every case is a simulated run with the submission as
 * the read router, routed in a freshly loaded module: the text's example, scenes around one
 * client's save with the followers or the leader failing at the worst moment (one of them aimed
 * at the follower the router picks), seeded workloads (public ones shrunk before they are shown,
 * hidden ones on secret seeds), a check that the router keeps its memory in ctx.session, and a
 * search of small runs before full marks.
 */
// Types only: the submission runs in its own sandbox process and answers with plain data (student.ts).
import type * as Exercise from "../../exercises/01-read-your-writes";
import { graded, type GradedContext } from "../graded";
import { searchTest } from "../search/search-test";
import { student } from "../student";
import { judgeRouter, judgeRyw, judgeSave, rywSearch, SAVE_CASES, shrinkRouter, stateCheckRuns, textExample, type WorkloadName } from "./01-read-your-writes.support";
import { stateCheck } from "./sessions.support";

const answer = student<typeof Exercise>("01-read-your-writes");

const runs = (workload: WorkloadName, seeds: number) => async (c: GradedContext) => {
  await c.each(c.seeds(seeds), (seed, record) => judgeRouter(workload, seed, answer, record), { shrink: (seed, record) => shrinkRouter(workload, seed, answer, record) });
};

graded(
  { name: "the text's example: busy clients read their own writes, while followers serve most reads", points: 1, visibility: "public", caseTimeoutMs: 5000 },
  async (c) => {
    await c.each([{ label: "three followers, twenty busy clients" }], (_k, record) => judgeRyw(answer, textExample(), record));
  },
);

graded(
  { name: "a client reloading right after a save sees it when followers fall behind or the leader crashes at the worst moment", points: 3, visibility: "public", caseTimeoutMs: 5000 },
  async (c) => {
    await c.each(SAVE_CASES, (k, record) => judgeSave(answer, k, record));
  },
);

graded(
  { name: "keeps per-client memory in ctx.session and draws randomness from ctx.random() only", points: 1, visibility: "public", caseTimeoutMs: 5000 },
  stateCheck(answer, stateCheckRuns),
);

graded(
  { name: "a search of 25 small runs with slow followers and failovers finds no read missing its own write", points: 2, visibility: "public", caseTimeoutMs: 20_000 },
  searchTest(() => rywSearch(answer, 25)),
);

graded(
  { name: "a user who edits their profile sees the new bio on reload, while followers serve most reads", points: 2, visibility: "public", caseTimeoutMs: 5000 },
  runs("profile-edits", 3),
);

graded(
  { name: "busy clients always read their own writes, while followers serve most reads", points: 2, visibility: "public", caseTimeoutMs: 5000 },
  runs("busy-clients", 3),
);

graded(
  { name: "clients read their own writes while one follower is very slow", points: 2, visibility: "public", caseTimeoutMs: 5000 },
  runs("slow-follower", 3),
);

graded(
  { name: "clients read their own writes across a leader failover", points: 2, visibility: "public", caseTimeoutMs: 5000 },
  runs("failover", 3),
);

graded(
  { name: "profile edits on hidden seeds", points: 2, visibility: "hidden", caseTimeoutMs: 5000 },
  runs("profile-edits", 4),
);

graded(
  { name: "busy clients on hidden seeds", points: 2, visibility: "hidden", caseTimeoutMs: 5000 },
  runs("busy-clients", 4),
);

graded(
  { name: "a slow follower on hidden seeds", points: 2, visibility: "hidden", caseTimeoutMs: 5000 },
  runs("slow-follower", 4),
);

graded(
  { name: "a leader failover on hidden seeds", points: 2, visibility: "hidden", caseTimeoutMs: 5000 },
  runs("failover", 4),
);

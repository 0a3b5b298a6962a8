/**
 * Exercise 01 — read-your-writes routing. Every case is one simulated run of a workload with the
 * submission as the read router; public cases run fixed seeds, hidden ones secret seeds.
 */
// Types only: the submission runs in its own sandbox process and answers with plain data (student.ts).
import type * as Exercise from "../../exercises/01-read-your-writes";
import { graded, type GradedContext } from "../graded";
import { student } from "../student";
import { judgeRouter, type WorkloadName } from "./01-read-your-writes.support";

const answer = student<typeof Exercise>("01-read-your-writes");

const runs = (workload: WorkloadName, seeds: number) => async (c: GradedContext) => {
  await c.each(c.seeds(seeds), (seed, record) => judgeRouter(workload, seed, answer, record));
};

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
  runs("profile-edits", 5),
);

graded(
  { name: "busy clients on hidden seeds", points: 2, visibility: "hidden", caseTimeoutMs: 5000 },
  runs("busy-clients", 5),
);

graded(
  { name: "a slow follower on hidden seeds", points: 2, visibility: "hidden", caseTimeoutMs: 5000 },
  runs("slow-follower", 5),
);

graded(
  { name: "a leader failover on hidden seeds", points: 2, visibility: "hidden", caseTimeoutMs: 5000 },
  runs("failover", 5),
);

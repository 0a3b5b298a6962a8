/**
 * Exercise 04 — choosing ack policies. Each case simulates one service's cluster with the chosen
 * policy on one seed: a normal run for commit latency and a crash run for lost acknowledged
 * writes. Public cases run fixed seeds, hidden ones secret seeds.
 */
// Types only: the submission runs in its own sandbox process and answers with plain data (student.ts).
import type * as Exercise from "../../exercises/04-choose-ack-policy";
import { graded, type GradedContext } from "../graded";
import { student } from "../student";
import { SERVICES, judgeService, type ServiceName } from "./04-choose-ack-policy.support";

const answer = student<typeof Exercise>("04-choose-ack-policy");

const service = (name: ServiceName, seeds: number) => async (c: GradedContext) => {
  await c.each(c.seeds(seeds), async (seed, record) => judgeService(SERVICES[name], await answer.call("chooseAckPolicy", name), seed, record));
};

graded(
  { name: "ledger: p99 commit latency within 20 ms, and no acknowledged write lost when the leader's zone fails", points: 2, visibility: "public" },
  service("ledger", 2),
);

graded(
  { name: "metrics: p99 commit latency within 1 ms, and at most 50 acknowledged writes lost when the leader crashes", points: 2, visibility: "public" },
  service("metrics", 2),
);

graded(
  { name: "accounts: p99 commit latency within 10 ms through maintenance, and no acknowledged write lost when the leader crashes", points: 2, visibility: "public" },
  service("accounts", 2),
);

graded({ name: "ledger meets its targets on hidden seeds", points: 2, visibility: "hidden" }, service("ledger", 3));

graded({ name: "metrics meets its targets on hidden seeds", points: 2, visibility: "hidden" }, service("metrics", 3));

graded({ name: "accounts meets its targets on hidden seeds", points: 2, visibility: "hidden" }, service("accounts", 3));

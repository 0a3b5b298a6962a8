/**
 * Exercise 05 — leader election. Public cases are hand-written clusters, each showing one rule,
 * plus random clusters on fixed seeds; hidden cases are random clusters on secret seeds.
 */
// Types only: the submission runs in its own sandbox process and answers with plain data (student.ts).
import type * as Exercise from "../../exercises/05-leader-election";
import { graded, type GradedContext } from "../graded";
import { student } from "../student";
import {
  checkElection,
  follower as f,
  largeCluster,
  randomCluster,
  reordered,
  sameFollowers,
  type ElectionCase,
  type Follower,
} from "./05-leader-election.support";

const answer = student<typeof Exercise>("05-leader-election");

/** Asks the submission about `followers` and checks its answer against the rules. */
async function judge(followers: Follower[], record: (label: string, value: unknown) => void) {
  record("followers", followers);
  const { value: chosen, argsAfter } = await answer.callWithArgs("chooseNewLeader", followers);
  record("chosen", chosen);
  const after = argsAfter[0];
  if (!Array.isArray(after) || !sameFollowers(after as unknown as Follower[], followers)) {
    return { rule: "the input must not be changed", involved: { before: followers, after } };
  }
  return checkElection(followers, chosen);
}

const cases = (list: ElectionCase[]) => async (c: GradedContext) => {
  await c.each(list, (k, record) => judge(k.followers, record));
};

graded(
  { name: "promotes the alive follower with the highest received log position", points: 2, visibility: "public" },
  cases([
    { label: "one follower", followers: [f("A")] },
    { label: "B is ahead", followers: [f("A", { receivedLsn: 90 }), f("B", { receivedLsn: 120 }), f("C", { receivedLsn: 100 })] },
    { label: "the last one is ahead", followers: [f("A", { receivedLsn: 7 }), f("B", { receivedLsn: 8 }), f("C", { receivedLsn: 9 })] },
    { label: "the first one is ahead", followers: [f("C", { receivedLsn: 500 }), f("B", { receivedLsn: 499 }), f("A", { receivedLsn: 1 })] },
  ]),
);

graded(
  { name: "never promotes a crashed follower, however complete its log", points: 2, visibility: "public" },
  cases([
    { label: "the most complete log is on a crashed follower", followers: [f("A", { receivedLsn: 200, alive: false }), f("B", { receivedLsn: 150 })] },
    { label: "only one follower is alive", followers: [f("A", { alive: false }), f("B", { receivedLsn: 10 }), f("C", { alive: false, receivedLsn: 300 })] },
    { label: "the two best are crashed", followers: [f("A", { receivedLsn: 9, alive: false }), f("B", { receivedLsn: 8, alive: false }), f("C", { receivedLsn: 7 }), f("D", { receivedLsn: 6 })] },
  ]),
);

graded(
  { name: "returns null when no follower can be promoted", points: 1, visibility: "public" },
  cases([
    { label: "no followers", followers: [] },
    { label: "every follower crashed", followers: [f("A", { alive: false }), f("B", { alive: false })] },
    { label: "the only alive follower has priority 0", followers: [f("A", { alive: false }), f("B", { priority: 0 })] },
  ]),
);

graded(
  { name: "judges by the received log position, not the applied one", points: 1, visibility: "public" },
  cases([
    { label: "A applied more, B received more", followers: [f("A", { receivedLsn: 100, appliedLsn: 100 }), f("B", { receivedLsn: 140, appliedLsn: 60 })] },
    { label: "a slow applier with the longest log", followers: [f("A", { receivedLsn: 50, appliedLsn: 50 }), f("B", { receivedLsn: 55, appliedLsn: 10 }), f("C", { receivedLsn: 52, appliedLsn: 52 })] },
  ]),
);

graded(
  { name: "ranks a newer epoch above a longer log from an older epoch", points: 1, visibility: "public" },
  cases([
    { label: "the deposed leader's extra writes", followers: [f("A", { epoch: 2, receivedLsn: 120 }), f("B", { epoch: 3, receivedLsn: 105 })] },
    { label: "newest epoch, then longest log", followers: [f("A", { epoch: 3, receivedLsn: 101 }), f("B", { epoch: 2, receivedLsn: 300 }), f("C", { epoch: 3, receivedLsn: 104 })] },
  ]),
);

graded(
  { name: "breaks ties by priority, then by the name that sorts first", points: 1, visibility: "public" },
  cases([
    { label: "equal logs, C has the higher priority", followers: [f("A"), f("B"), f("C", { priority: 5 })] },
    { label: "equal logs and priorities", followers: [f("D"), f("B"), f("C")] },
    { label: "a tie among the most up-to-date only", followers: [f("A", { receivedLsn: 5, priority: 9 }), f("C", { receivedLsn: 8 }), f("B", { receivedLsn: 8 })] },
  ]),
);

graded(
  { name: "never promotes a follower with priority 0", points: 1, visibility: "public" },
  cases([
    { label: "a delayed replica with the longest log", followers: [f("A", { receivedLsn: 900, priority: 0 }), f("B", { receivedLsn: 800 })] },
    { label: "priority 0 in a tie", followers: [f("A", { priority: 0 }), f("B"), f("C")] },
  ]),
);

graded(
  { name: "gives the same answer whatever the order of the followers", points: 1, visibility: "public" },
  async (c) => {
    await c.each(c.seeds(10), async (seed, record) => {
      const followers = randomCluster(seed);
      record("followers", followers);
      const answers = new Set<unknown>();
      for (let i = 0; i < 4; i++) answers.add(await answer.call("chooseNewLeader", reordered(followers, seed + i)));
      record("answers", [...answers]);
      const invalid = [...answers].find((a) => a !== null && !followers.some((f) => f.name === a));
      if (invalid !== undefined) return { rule: "the answer is one follower's name, or null", got: invalid, involved: followers.map((f) => f.name) };
      if (answers.size > 1) {
        return { rule: "the answer does not depend on the order of the followers", details: `answers for four orders: ${[...answers].map(String).join(", ")}`, involved: followers };
      }
    });
  },
);

graded(
  { name: "picks a correct leader in random clusters", points: 2, visibility: "public" },
  async (c) => {
    await c.each(c.seeds(20), (seed, record) => judge(randomCluster(seed), record));
  },
);

graded(
  { name: "picks a correct leader in random clusters (hidden seeds)", points: 4, visibility: "hidden" },
  async (c) => {
    await c.each(c.seeds(60), (seed, record) => judge(randomCluster(seed), record));
  },
);

graded(
  { name: "picks a correct leader in large clusters full of ties (hidden seeds)", points: 2, visibility: "hidden" },
  async (c) => {
    await c.each(c.seeds(20), (seed, record) => judge(largeCluster(seed), record));
  },
);

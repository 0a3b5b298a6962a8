/**
 * Exercise 05 — leader election. Public cases are hand-written clusters, each showing one rule
 * (with the examples of the exercise's text), random clusters on fixed seeds, and cases built
 * from the submission's own choices; hidden cases are clusters on secret seeds, each aimed at one
 * mistake in turn (every grading meets them all), and their follow-ups; a search of small
 * clusters must find no broken rule before full marks.
 */
// Types only: the submission runs in its own sandbox process and answers with plain data (student.ts).
import type * as Exercise from "../../exercises/05-leader-election";
import { graded, type GradedContext, type Recorder } from "../graded";
import { student } from "../student";
import { searchTest } from "../search/search-test";
import {
  AIMED_CLUSTERS,
  aimedCluster,
  electionSearch,
  follower as f,
  judgeCluster,
  judgeWithFollowUps,
  largeCluster,
  randomCluster,
  reordered,
  shrinkCluster,
  type ElectionCase,
  type Follower,
} from "./05-leader-election.support";

const answer = student<typeof Exercise>("05-leader-election");

const judge = (followers: Follower[], record: Recorder) => judgeCluster(answer, followers, record);
const judgeTargeted = (followers: Follower[], record: Recorder) => judgeWithFollowUps(answer, followers, record);

const cases = (list: ElectionCase[]) => async (c: GradedContext) => {
  await c.each(list, (k, record) => judge(k.followers, record), { shrink: (k, record) => shrinkCluster(k.followers, judge, record) });
};

/** Random clusters from seeds; a failing one is shown with as few followers as still fail. */
const seeded = (count: number, cluster: (seed: number) => Follower[], check: typeof judge) => async (c: GradedContext) => {
  await c.each(c.seeds(count), (seed, record) => check(cluster(seed), record), { shrink: (seed, record) => shrinkCluster(cluster(seed), check, record) });
};

/**
 * Clusters from hidden seeds that take turns at the kinds of `AIMED_CLUSTERS`, so that every
 * grading meets each mistake (a tie in array order, a received/applied split, ...) whatever its secret.
 */
const aimedSeeds = (count: number, check: typeof judge) => async (c: GradedContext) => {
  const seeds = c.seedsTakingTurns(count, AIMED_CLUSTERS.length);
  await c.each(seeds, (seed, record) => check(aimedCluster(seed), record));
};

graded(
  { name: "promotes the alive follower with the highest received log position", points: 2, visibility: "public" },
  cases([
    { label: "one follower", followers: [f("A")] },
    { label: "B is ahead", followers: [f("A", { receivedLsn: 90 }), f("B", { receivedLsn: 120 }), f("C", { receivedLsn: 100 })] },
    { label: "the last one is ahead", followers: [f("A", { receivedLsn: 7 }), f("B", { receivedLsn: 8 }), f("C", { receivedLsn: 9 })] },
    { label: "the first one is ahead", followers: [f("C", { receivedLsn: 500 }), f("B", { receivedLsn: 499 }), f("A", { receivedLsn: 1 })] },
    { label: "positions past a hundred million: 100,000,000 is ahead of 99,999,999", followers: [f("A", { receivedLsn: 99_999_999 }), f("B", { receivedLsn: 100_000_000 })] },
    { label: "positions near Number.MAX_SAFE_INTEGER", followers: [f("A", { receivedLsn: Number.MAX_SAFE_INTEGER }), f("B", { receivedLsn: Number.MAX_SAFE_INTEGER - 1, priority: 2 })] },
    { label: "one entry more outweighs a priority of 12", followers: [f("A", { receivedLsn: 99, priority: 12 }), f("B", { receivedLsn: 100, priority: 1 })] },
    { label: "one entry more outweighs a priority of Number.MAX_SAFE_INTEGER", followers: [f("A", { receivedLsn: 99, priority: Number.MAX_SAFE_INTEGER }), f("B", { receivedLsn: 100, priority: 1 })] },
    { label: "positions with 16 digits and 15: 10^15 is ahead of 10^15 - 1", followers: [f("A", { receivedLsn: 999_999_999_999_999 }), f("B", { receivedLsn: 1_000_000_000_000_000 })] },
    { label: "a cluster that never failed over: every epoch 0", followers: [f("A", { epoch: 0, receivedLsn: 7 }), f("B", { epoch: 0, receivedLsn: 9 })] },
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
    {
      label: "a replica restored from a backup, none of its five billion entries applied yet",
      followers: [f("A", { receivedLsn: 4_999_999_999, priority: 3 }), f("B", { receivedLsn: 5_000_000_000, appliedLsn: 0 })],
    },
  ]),
);

graded(
  { name: "ranks a newer epoch above a longer log from an older epoch", points: 1, visibility: "public" },
  cases([
    { label: "the deposed leader's extra writes", followers: [f("A", { epoch: 2, receivedLsn: 120 }), f("B", { epoch: 3, receivedLsn: 105 })] },
    { label: "newest epoch, then longest log", followers: [f("A", { epoch: 3, receivedLsn: 101 }), f("B", { epoch: 2, receivedLsn: 300 }), f("C", { epoch: 3, receivedLsn: 104 })] },
    { label: "a log millions of entries longer from an older epoch", followers: [f("A", { epoch: 1, receivedLsn: 2_500_000 }), f("B", { epoch: 2, receivedLsn: 100 })] },
    { label: "epochs compare as numbers: 10 is newer than 9", followers: [f("A", { epoch: 9, receivedLsn: 120 }), f("B", { epoch: 10, receivedLsn: 105 })] },
    { label: "epochs past 2^31: 2,147,483,648 is newer than 2,147,483,647", followers: [f("A", { epoch: 2 ** 31 - 1, receivedLsn: 120 }), f("B", { epoch: 2 ** 31, receivedLsn: 105 })] },
    { label: "epochs past 2^32, the newer listed first: 4,294,967,297 is newer than 4,294,967,296", followers: [f("A", { epoch: 2 ** 32 + 1, receivedLsn: 105 }), f("B", { epoch: 2 ** 32, receivedLsn: 120 })] },
  ]),
);

graded(
  { name: "breaks ties by priority, then by the name that sorts first", points: 1, visibility: "public" },
  cases([
    { label: "equal logs, C has the higher priority", followers: [f("A"), f("B"), f("C", { priority: 5 })] },
    { label: "equal logs and priorities", followers: [f("D"), f("B"), f("C")] },
    { label: "a tie among the most up-to-date only", followers: [f("A", { receivedLsn: 5, priority: 9 }), f("C", { receivedLsn: 8 }), f("B", { receivedLsn: 8 })] },
    { label: "priorities compare as numbers: 10 above 9", followers: [f("A", { priority: 9 }), f("B", { priority: 10 })] },
    { label: "priorities past 2^31: 2,147,483,648 above 2,147,483,647", followers: [f("A", { priority: 2 ** 31 - 1 }), f("B", { priority: 2 ** 31 })] },
    { label: "the text's example: \"A\" before \"B\"", followers: [f("B"), f("A")] },
    { label: "the text's example: \"B\" before \"a\" (plain string comparison)", followers: [f("a"), f("B")] },
    { label: "upper case sorts before lower case: \"Zed\" before \"alpha\"", followers: [f("alpha"), f("Zed")] },
    { label: "\"MIKE\" before \"mike\"", followers: [f("mike"), f("MIKE")] },
    { label: "digits compare one by one: \"node10\" before \"node9\"", followers: [f("node9"), f("node10")] },
    { label: "a name sorts before the longer ones it begins: \"node1\" before \"node10\"", followers: [f("node10"), f("node1")] },
    {
      label: "long names that differ only at the end: every character counts",
      followers: [f("orders-db-production-eu-west-1-replica-9"), f("orders-db-production-eu-west-1-replica-10")],
    },
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
  { name: "keeps or changes its choice as the rules say when the cluster around its chosen follower changes", points: 2, visibility: "public" },
  async (c) => {
    const clusters: ElectionCase[] = [
      { label: "three followers, B ahead", followers: [f("A", { receivedLsn: 90 }), f("B", { receivedLsn: 120 }), f("C", { receivedLsn: 100 })] },
      { label: "a tie between B and C", followers: [f("C", { receivedLsn: 7, priority: 2 }), f("A", { receivedLsn: 5 }), f("B", { receivedLsn: 7, priority: 2 })] },
      { label: "two epochs", followers: [f("A", { epoch: 2, receivedLsn: 40 }), f("B", { epoch: 3, receivedLsn: 12, appliedLsn: 3 }), f("C", { epoch: 3, receivedLsn: 12 })] },
      { label: "nobody promotable", followers: [f("A", { alive: false }), f("B", { priority: 0 })] },
    ];
    await c.each(clusters, (k, record) => judgeTargeted(k.followers, record), { shrink: (k, record) => shrinkCluster(k.followers, judgeTargeted, record) });
  },
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

graded({ name: "picks a correct leader in random clusters", points: 2, visibility: "public" }, seeded(20, randomCluster, judge));

graded(
  { name: "a search of 150 small clusters and their follow-ups finds no broken rule", points: 2, visibility: "public", caseTimeoutMs: 10_000 },
  searchTest(() => electionSearch(answer, 150)),
);

graded({ name: "picks a correct leader in random clusters (hidden seeds)", points: 3, visibility: "hidden" }, aimedSeeds(40, judge));

graded(
  { name: "keeps or changes its choice as the rules say in random clusters (hidden seeds)", points: 3, visibility: "hidden" },
  aimedSeeds(2 * AIMED_CLUSTERS.length, judgeTargeted),
);

graded({ name: "picks a correct leader in large clusters full of ties (hidden seeds)", points: 2, visibility: "hidden" }, seeded(10, largeCluster, judgeTargeted));

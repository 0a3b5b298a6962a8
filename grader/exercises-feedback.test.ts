/**
 * What the judges' feedback says is right: a failing case's "expected" is an answer the
 * exercise's rules accept, whichever wrong answer was given.
 */
import { describe, expect, test } from "vitest";
import { chooseNewLeader } from "../solutions/05-leader-election";
import { checkElection, follower, randomCluster } from "./exercises/05-leader-election.support";

describe("exercise 05's feedback", () => {
  test("names the follower the rules promote, not merely one that outranks the pick", () => {
    // B and C tie on everything but their names, so B is the answer; C outranks the wrong pick "0" too.
    const followers = [
      follower("0", { epoch: 1, receivedLsn: 9, appliedLsn: 9, priority: 2 }),
      follower("C", { epoch: 2, receivedLsn: 7, appliedLsn: 7, priority: 2 }),
      follower("B", { epoch: 2, receivedLsn: 7, appliedLsn: 7, priority: 2 }),
    ];
    expect(checkElection(followers, "0")).toMatchObject({ rule: "a newer epoch outranks a longer log from an older epoch", details: 'chose "0" over "B"', want: "B" });
  });

  test("every wrong pick of a random cluster is told the reference solution's answer", () => {
    for (let seed = 1; seed <= 300; seed++) {
      const followers = randomCluster(seed);
      const right = chooseNewLeader(followers.map((f) => ({ ...f })));
      expect(checkElection(followers, right), `seed ${seed}`).toBeNull();
      for (const wrong of followers.filter((f) => f.name !== right && f.alive && f.priority !== 0)) {
        expect(checkElection(followers, wrong.name)?.want, `seed ${seed}, chose ${wrong.name}`).toBe(right);
      }
    }
  });
});

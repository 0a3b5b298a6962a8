/**
 * Exercise 01's workloads and judge: a read router must give every client read-your-writes while
 * followers still serve most reads.
 *
 * Each workload draws its knobs (replication delay, rates, clients, which follower is slow, when
 * the leader crashes) from the case's seed, so hidden seeds are new situations, not new noise on
 * the same one. Runs are short (about two thousand writes) to keep grading fast.
 */
import { exponential, profileEdit, randomInt, readYourWritesViolations, semiSync, stream, type RouterFn, type Rng, type SimConfig } from "../../lib";
import type * as Exercise from "../../exercises/01-read-your-writes";
import type { Recorder, Violation } from "../graded";
import type { StudentCode } from "../student";
import { judgeRouting, routedRun, SUBMISSION_ROUTER } from "./routing.support";

/** Followers must serve at least this share of all reads. The reference router serves 80-99%. */
export const FOLLOWER_SHARE_MIN = 0.6;

export type WorkloadName = "profile-edits" | "busy-clients" | "slow-follower" | "failover";

/** What a workload does, in words, for feedback and replays. */
export const WORKLOADS: Record<WorkloadName, string> = {
  "profile-edits": "users save a new bio and reload their profile at once, over background writes and reads of other keys",
  "busy-clients": "clients write and mostly read back the keys they just wrote, at a high rate",
  "slow-follower": "the busy clients, while one follower is 10-30 times slower for half the run",
  failover: "the busy clients, while the leader crashes and a follower takes over (semi-sync, so no acknowledged write is lost)",
};

/** The run of one workload for one seed, with `routing` as the read router. */
export function workloadConfig(name: WorkloadName, seed: number, routing: RouterFn): SimConfig {
  const rng = stream(seed, `01/${name}`);
  if (name === "profile-edits") {
    return profileEdit({
      seed,
      users: 30 + randomInt(rng, 20),
      everyMs: between(rng, 5, 12),
      reloadAfterMs: rng.next() < 0.5 ? 0 : between(rng, 0, 2),
      lagMs: between(rng, 1, 3),
      routing,
      backgroundWritesPerSec: 200 + randomInt(rng, 200),
      backgroundReadsPerSec: 1000 + randomInt(rng, 1000),
    }).config;
  }
  // Lag grows quickly with the write rate (a log is delivered in order, so one slow entry holds
  // up those behind it); these ranges keep a good router's follower share near 85-95%.
  const writesPerSec = 600 + randomInt(rng, 400);
  const base: SimConfig = {
    seed,
    followers: 3,
    network: { oneWayMs: exponential({ meanMs: between(rng, 1, 2.5) }) },
    workload: { writesPerSec, writes: 2000, clients: 20 + randomInt(rng, 21), keys: 100 + randomInt(rng, 200) },
    reads: { readsPerSec: 2 * writesPerSec, routing, ownKeyShare: 0.7 + 0.2 * rng.next() },
  };
  const runMs = (2000 / writesPerSec) * 1000;
  if (name === "slow-follower") {
    const fromMs = between(rng, 0.2, 0.4) * runMs;
    base.faults = [{ node: "ABC"[randomInt(rng, 3)], kind: "slow", fromMs, toMs: fromMs + 0.5 * runMs, factor: 10 + randomInt(rng, 21) }];
  } else if (name === "failover") {
    base.ack = semiSync();
    base.failover = { crashLeader: { atMs: between(rng, 0.3, 0.6) * runMs } };
  }
  return base;
}

/** Runs one workload with the submission's router and checks the run; a Violation names the rule broken. */
export async function judgeRouter(name: WorkloadName, seed: number, answer: StudentCode<typeof Exercise>, record: Recorder): Promise<Violation | null> {
  record("workload", `${name}: ${WORKLOADS[name]}`);
  const config = workloadConfig(name, seed, SUBMISSION_ROUTER);
  for (const f of config.faults ?? []) record("slowFollower", `${f.node} ${f.factor}x slower from ${Math.round(f.fromMs)} to ${Math.round(f.toMs!)} ms`);
  const crash = config.failover?.crashLeader;
  if (crash && "atMs" in crash) record("leaderCrashMs", Math.round(crash.atMs));
  const run = await routedRun(answer, config, { export: "routeRead" });
  return judgeRouting(run, {
    rule: "read-your-writes: a client's read never misses that client's own acknowledged write",
    found: readYourWritesViolations(run.history),
    shareMin: FOLLOWER_SHARE_MIN,
    record,
  });
}

function between(rng: Rng, lo: number, hi: number): number {
  return lo + (hi - lo) * rng.next();
}

/**
 * Exercise 08's workload and judge: sticky routing must keep every client's reads monotonic while
 * followers crash one after another, and followers must still serve nearly all reads.
 *
 * The followers are deliberately unequal (one fast, the others several to many times slower), so a
 * client that moves from a fast follower to a slow one without checking positions goes back in
 * time. Few keys and busy clients make a client read the same key again and again, which is what
 * lets the checker see a key go backwards. The seed draws the delays, who crashes when, and the
 * load, so hidden seeds are new situations.
 */
import { exponential, monotonicReads, randomInt, stream, type Fault, type FollowerConfig, type Rng, type RouterFn, type SimConfig } from "../../lib";
import type * as Exercise from "../../exercises/08-monotonic-reads";
import type { Recorder, Violation } from "../graded";
import type { StudentCode } from "../student";
import { judgeRouting, routedRun, SUBMISSION_ROUTER } from "./routing.support";

/**
 * Followers must serve at least this share of reads: the bar only rules out routing (nearly)
 * everything to the leader. The reference router serves 70-100%: less when its clients wait on
 * the leader for a follower to catch up with what they saw.
 */
export const FOLLOWER_SHARE_MIN = 0.5;

const WRITES = 2000;

/** The run for one seed: unequal followers, each crashing once, with `routing` as the read router. */
export function crashConfig(seed: number, routing: RouterFn): SimConfig {
  const rng = stream(seed, "08/crashes");
  const count = 3 + randomInt(rng, 2);
  const names = ["A", "B", "C", "D"].slice(0, count);
  // One fast follower, whichever the seed picks, and slower ones.
  const fast = randomInt(rng, count);
  const followers: FollowerConfig[] = names.map((name, i) => ({
    name,
    toFollowerMs: exponential({ meanMs: i === fast ? between(rng, 0.5, 1.5) : between(rng, 8, 60) }),
  }));
  const writesPerSec = 800 + randomInt(rng, 400);
  const runMs = (WRITES / writesPerSec) * 1000;
  // Each follower crashes once, in turn from a random first one; a window may overlap the next,
  // so a client sometimes has to move while two followers are down.
  const faults: Fault[] = [];
  const slot = runMs / (count + 1);
  const first = randomInt(rng, count);
  for (let i = 0; i < count; i++) {
    const fromMs = (i + 0.5 + 0.3 * rng.next()) * slot;
    faults.push({ node: names[(first + i) % count], kind: "crash", fromMs, toMs: fromMs + between(rng, 0.4, 1.3) * slot });
  }
  return {
    seed,
    followers,
    workload: { writesPerSec, writes: WRITES, clients: 8 + randomInt(rng, 9), keys: 8 + randomInt(rng, 9) },
    reads: { readsPerSec: 2.5 * writesPerSec, routing, ownKeyShare: 0 },
    faults,
  };
}

/** Runs the workload with the submission's router and checks the run; a Violation names the rule broken. */
export async function judgeSticky(seed: number, answer: StudentCode<typeof Exercise>, record: Recorder): Promise<Violation | null> {
  const config = crashConfig(seed, SUBMISSION_ROUTER);
  record("followers", (config.followers as FollowerConfig[]).map((f) => `${f.name}: mean delay ${describeMean(f)} ms`));
  record("crashes", config.faults!.map((f) => `${f.node} down from ${round(f.fromMs)} to ${round(f.toMs!)} ms`));
  const run = await routedRun(answer, config, { export: "routeRead" });
  return judgeRouting(run, {
    rule: "monotonic reads: once a client has seen a value of a key, it never sees an older one",
    found: monotonicReads(run.history),
    shareMin: FOLLOWER_SHARE_MIN,
    record,
  });
}

function describeMean(f: FollowerConfig): string {
  const d = f.toFollowerMs as { meanMs?: number } | undefined;
  return d?.meanMs === undefined ? "?" : String(round(d.meanMs));
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}

function between(rng: Rng, lo: number, hi: number): number {
  return lo + (hi - lo) * rng.next();
}

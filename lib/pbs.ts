/**
 * Probabilistically Bounded Staleness (PBS), the WARS model of Bailis et al., "Probabilistically
 * Bounded Staleness for Practical Partial Quorums" (VLDB 2012), as a seeded Monte Carlo estimate.
 *
 * A write goes to N replicas (delay W[i]) and is acknowledged (delay A[i]); it commits when `w`
 * acknowledgements are back. A read issued t ms after the commit goes to every replica (delay R[i]),
 * which answer (delay S[i]); the client uses the first `r` answers. The read is fresh if one of
 * those replicas already had the write when the read request reached it: W[i] <= commit + t + R[i].
 *
 * With N = 3 followers, w = k and r = 1 this is a follower read after a k-of-n acknowledgement,
 * which is why the workbook uses it: it connects the simulation to the published numbers.
 */
import { checkOptions } from "./config/check";
import { checkDist, sampler, type Dist } from "./dist";
import { ConfigError, checkInteger } from "./errors";
import { stream } from "./rng";

export interface PbsOptions {
  n: number;
  /** Acknowledgements a write waits for (1..n). */
  w: number;
  /** Answers a read waits for (1..n). */
  r: number;
  W: Dist;
  A: Dist;
  R: Dist;
  S: Dist;
  /** Times after commit at which to read, ms. */
  tMs: number[];
  trials: number;
  seed: number;
}

/** Random draws one call may make (about a minute of work at most). */
const MAX_DRAWS = 1e9;

/** For each t: the share of reads that saw the write (`freshShare`). */
export function pbsFreshness(o: PbsOptions): { tMs: number; freshShare: number }[] {
  checkOptions("pbs", o, ["n", "w", "r", "W", "A", "R", "S", "tMs", "trials", "seed"], "pbsFreshness takes { n, w, r, W, A, R, S, tMs, trials, seed }");
  const n = checkInteger("pbs.n", o.n, 1, 1000);
  const w = checkInteger("pbs.w", o.w, 1, n);
  const r = checkInteger("pbs.r", o.r, 1, n);
  const trials = checkInteger("pbs.trials", o.trials, 1, 1e8);
  if (trials * n * 4 > MAX_DRAWS) {
    throw new ConfigError("pbs.trials", trials, `${trials} trials of ${n} replicas take ${trials * n * 4} random draws; one call makes at most ${MAX_DRAWS}: use fewer trials (${Math.floor(MAX_DRAWS / (4 * n))} at most)`);
  }
  if (!Array.isArray(o.tMs) || o.tMs.length > 10_000 || o.tMs.some((t) => typeof t !== "number" || !(t >= 0))) {
    throw new ConfigError("pbs.tMs", o.tMs, "it must be a list of at most 10,000 times >= 0 ms");
  }
  if (typeof o.seed !== "number" || !Number.isSafeInteger(o.seed)) throw new ConfigError("pbs.seed", o.seed, "it must be a whole number");
  const [W, A, R, S] = (["W", "A", "R", "S"] as const).map((k) => checkDist(o[k], `pbs.${k}`));
  const rng = stream(o.seed, "pbs");
  const [sW, sA, sR, sS] = [sampler(W), sampler(A), sampler(R), sampler(S)];
  const fresh = new Array<number>(o.tMs.length).fill(0);
  const Wi = new Float64Array(n);
  const ackAt = new Float64Array(n);
  const Ri = new Float64Array(n);
  const answerAt = new Float64Array(n);
  const order: number[] = Array.from({ length: n }, (_, i) => i);
  for (let trial = 0; trial < trials; trial++) {
    for (let i = 0; i < n; i++) {
      Wi[i] = sW(rng);
      ackAt[i] = Wi[i] + sA(rng);
    }
    const commit = Float64Array.from(ackAt).sort()[w - 1];
    for (let i = 0; i < n; i++) {
      Ri[i] = sR(rng);
      answerAt[i] = Ri[i] + sS(rng);
    }
    order.sort((a, b) => answerAt[a] - answerAt[b]);
    for (let k = 0; k < o.tMs.length; k++) {
      const t = o.tMs[k];
      for (let j = 0; j < r; j++) {
        const i = order[j];
        if (Wi[i] <= commit + t + Ri[i]) {
          fresh[k]++;
          break;
        }
      }
    }
  }
  return o.tMs.map((t, k) => ({ tMs: t, freshShare: fresh[k] / trials }));
}

/**
 * The ratio of two versions' median times with a 95% confidence interval, for `--compare`.
 *
 * The interval is a paired percentile bootstrap: the measurements come in rounds (one process of
 * each version, back to back), so a resample draws whole rounds with replacement and keeps each
 * pair together; whatever load the machine carried during a round then weighs on both sides of
 * the ratio alike. 10,000 resamples from a fixed-seed generator, so the same measurements always
 * give the same interval: the library's own seeded generator draws the resamples. Written by hand
 * because it is twenty lines and must be seeded, which a helper drawing from Math.random is not.
 */
import { randomInt, stream } from "../lib/rng";

export interface RatioEstimate {
  oldMedian: number;
  newMedian: number;
  /** median(new) / median(old) */
  ratio: number;
  /** 2.5th and 97.5th percentiles of the bootstrapped ratio */
  low: number;
  high: number;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** `olds[i]` and `news[i]` are the two versions' times in round i. */
export function pairedRatio(olds: readonly number[], news: readonly number[], resamples = 10_000, seed = 1): RatioEstimate {
  if (olds.length !== news.length || olds.length === 0) throw new Error(`pairedRatio: need equally many old and new times, got ${olds.length} and ${news.length}`);
  const n = olds.length;
  const rng = stream(seed, "bench/bootstrap");
  const ratios = new Float64Array(resamples);
  const o = new Array<number>(n);
  const w = new Array<number>(n);
  for (let b = 0; b < resamples; b++) {
    for (let i = 0; i < n; i++) {
      const k = randomInt(rng, n);
      o[i] = olds[k];
      w[i] = news[k];
    }
    ratios[b] = median(w) / median(o);
  }
  ratios.sort();
  const at = (q: number) => ratios[Math.min(resamples - 1, Math.max(0, Math.round(q * (resamples - 1))))];
  const oldMedian = median(olds);
  const newMedian = median(news);
  return { oldMedian, newMedian, ratio: newMedian / oldMedian, low: at(0.025), high: at(0.975) };
}

/**
 * The verdict on a time ratio (new/old; above 1 means slower), from its interval:
 * "no slowdown" when the interval's upper end is at most 1.03 (any slowdown is under 3%, which
 * rounds of one version on one machine already differ by); "slower" when the upper end is above
 * 1.03 and the lower end above 1 (the new version is slower, and possibly by more than 3%);
 * "inconclusive" when the interval reaches from 1 or below to above 1.03: the measurements are too
 * scattered to tell, and more rounds (--rounds) narrow the interval. Below 6 rounds a bootstrap
 * has too few distinct resamples to stand for an interval, and the verdict is "inconclusive".
 */
export const MIN_ROUNDS = 6;
export const VERDICT_RULE =
  `verdict on CPU time: "no slowdown" if the 95% interval of new/old ends at or below 1.03; "slower" if it lies above 1 and reaches above 1.03; otherwise, or with fewer than ${MIN_ROUNDS} rounds, "inconclusive" (take more --rounds)`;

export type Verdict = "no slowdown" | "slower" | "inconclusive";

export function verdict(e: Pick<RatioEstimate, "low" | "high">, rounds: number): Verdict {
  if (rounds < MIN_ROUNDS) return "inconclusive";
  if (e.high <= 1.03) return "no slowdown";
  return e.low > 1 ? "slower" : "inconclusive";
}

/**
 * Hidden random tests that aim at every weak spot in every grading.
 *
 * A hidden test draws its seeds from the grading secret. Left to chance, a draw may hold no case
 * that meets a given mistake (no tie decided by names, no key read before it is written), and the
 * answer making it then passes under that secret only. So a hidden test builds each case from a
 * seed as one of a fixed list of kinds, each aimed at one mistake, and the drawn seeds are nudged
 * so that the kinds take turns:
 *
 *   await c.each(seedsTakingTurns(c.seeds(40), AIMED.length), (seed, record) => judge(AIMED[turnOf(seed, AIMED.length)](seed), record));
 *
 * The kind of a case is read from its seed alone (`seed % kinds`), so every draw of `n` seeds holds
 * each kind at least ⌊n / kinds⌋ times, what each case holds besides its aim still comes from the
 * secret, and `npm run replay -- NN --seed S` rebuilds the very case from its seed.
 */

/** The largest seed: seeds are non-negative 31-bit integers. */
const SEED_MAX = 0x7fffffff;

/**
 * `seeds`, each moved by less than `kinds` so that the i-th one's kind (`turnOf`) is `i % kinds`:
 * the kinds take turns in the order the seeds come, whatever the seeds are.
 */
export function seedsTakingTurns(seeds: readonly number[], kinds: number): number[] {
  if (!Number.isInteger(kinds) || kinds < 1) throw new RangeError(`seedsTakingTurns: kinds must be a whole number from 1, got ${kinds}`);
  return seeds.map((seed, i) => {
    const nudged = seed - (seed % kinds) + (i % kinds);
    return nudged > SEED_MAX ? nudged - kinds : nudged;
  });
}

/** The kind of case a seed builds: the index of its aim in a list of `kinds`. */
export function turnOf(seed: number, kinds: number): number {
  return seed % kinds;
}

/**
 * Seeds for graded cases.
 *
 * Public cases use seeds derived from a fixed public key, so every student sees the same cases
 * and a failure can be replayed by its seed. Hidden cases use seeds derived from a per-exercise
 * key that the scorer derives from the grading secret; the test code is the same and public,
 * only the seeds are secret, so a hard-coded answer fails.
 */
import { createHmac, randomBytes } from "node:crypto";

/** Key of the public seeds: fixed, so public cases are the same everywhere. */
export const PUBLIC_SEED_KEY = "replication-lab/public-cases/v1";

/** Environment variable (set per grading run) holding `{ [exerciseId]: key }` for hidden seeds. */
export const SEED_KEYS_ENV = "RL_SEED_KEYS";

/** The key of one exercise's hidden seeds: a one-way function of the secret. */
export function hiddenSeedKey(secret: string, exerciseId: string): string {
  return createHmac("sha256", secret).update(`hidden-seeds/${exerciseId}`).digest("hex");
}

/** `n` seeds (non-negative 31-bit integers) for one test, stable for a given key and test name. */
export function deriveSeeds(key: string, exerciseId: string, testName: string, n: number): number[] {
  if (!Number.isInteger(n) || n < 1 || n > 10_000) {
    throw new RangeError(`seeds(n): n must be a whole number from 1 to 10000, got ${n}`);
  }
  const seeds: number[] = [];
  for (let i = 0; i < n; i++) {
    const digest = createHmac("sha256", key).update(`${exerciseId}\n${testName}\n${i}`).digest();
    seeds.push(digest.readUInt32BE(0) & 0x7fffffff);
  }
  return seeds;
}

/** A fresh random secret, used when no secret is configured: hidden cases still run, on new seeds. */
export function randomSecret(): string {
  return randomBytes(32).toString("hex");
}

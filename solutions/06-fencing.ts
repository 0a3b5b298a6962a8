/**
 * Exercise 06 — Fencing at the storage layer: reference solution.
 *
 * One highest token for the whole store: a token stands for a leadership epoch, so seeing epoch e
 * anywhere proves every leader of an older epoch deposed, for every key. (A lock service's
 * fencing tokens are per lock; a leader's epoch is in effect one lock over the whole database.)
 * Equal tokens pass, or the current leader could write only once.
 */
export type WriteOutcome = "accepted" | "rejected";

export interface FencedStore {
  write(token: number, key: string, value: string): WriteOutcome;
  read(key: string): string | null;
}

export function createFencedStore(): FencedStore {
  let highestToken = -Infinity;
  const values = new Map<string, string>();
  return {
    write(token, key, value) {
      if (token < highestToken) return "rejected";
      highestToken = token;
      values.set(key, value);
      return "accepted";
    },
    read(key) {
      return values.get(key) ?? null;
    },
  };
}

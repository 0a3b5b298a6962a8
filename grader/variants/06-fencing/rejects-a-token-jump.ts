// Known-wrong: rejects a token more than a thousand times the highest seen as bogus ("no cluster
// goes through that many elections"): tokens may skip any number of values, and a token at least
// the highest is accepted, however far above it.
export type WriteOutcome = "accepted" | "rejected";

const MOST_PLAUSIBLE_JUMP = 1_000;

export function createFencedStore() {
  let highestToken = -Infinity;
  const values = new Map<string, string>();
  return {
    write(token: number, key: string, value: string): WriteOutcome {
      if (token < highestToken) return "rejected";
      if (highestToken > 0 && token > highestToken * MOST_PLAUSIBLE_JUMP) return "rejected";
      highestToken = token;
      values.set(key, value);
      return "accepted";
    },
    read(key: string): string | null {
      return values.get(key) ?? null;
    },
  };
}

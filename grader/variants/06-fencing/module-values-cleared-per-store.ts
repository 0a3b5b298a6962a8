// Known-wrong: the token is per store, but the values live in one module-level Map that
// createFencedStore() clears: a new store wipes the values of every older one, and then shares them.
export type WriteOutcome = "accepted" | "rejected";

const values = new Map<string, string>();

export function createFencedStore() {
  values.clear();
  let highest = 0;
  return {
    write(token: number, key: string, value: string): WriteOutcome {
      if (token < highest) return "rejected";
      highest = token;
      values.set(key, value);
      return "accepted";
    },
    read(key: string): string | null {
      return values.get(key) ?? null;
    },
  };
}

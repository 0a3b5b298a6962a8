// Known-wrong: holds at most 2,048 keys, dropping the key written longest ago when a new one
// comes (a cache, not a store): a key nobody overwrote reads as null once 2,048 newer keys were
// written after it.
export type WriteOutcome = "accepted" | "rejected";

const MAX_KEYS = 2_048;

export function createFencedStore() {
  let highestToken = -Infinity;
  const values = new Map<string, string>();
  return {
    write(token: number, key: string, value: string): WriteOutcome {
      if (token < highestToken) return "rejected";
      highestToken = token;
      values.delete(key);
      values.set(key, value);
      if (values.size > MAX_KEYS) values.delete(values.keys().next().value as string);
      return "accepted";
    },
    read(key: string): string | null {
      return values.get(key) ?? null;
    },
  };
}

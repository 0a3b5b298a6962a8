// Known-wrong: cuts every key to its first 64 characters (a key-length limit, as some stores
// have), so two long keys that differ only after that are one key, and the second write
// overwrites the first: keys are any strings, compared whole.
export type WriteOutcome = "accepted" | "rejected";

const KEY_CHARS = 64;

export function createFencedStore() {
  let highestToken = -Infinity;
  const values = new Map<string, string>();
  return {
    write(token: number, key: string, value: string): WriteOutcome {
      if (token < highestToken) return "rejected";
      highestToken = token;
      values.set(key.slice(0, KEY_CHARS), value);
      return "accepted";
    },
    read(key: string): string | null {
      return values.get(key.slice(0, KEY_CHARS)) ?? null;
    },
  };
}

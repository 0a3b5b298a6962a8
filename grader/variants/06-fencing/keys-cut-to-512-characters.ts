// Known-wrong: cuts every key to its first 512 characters (a key-length limit "well above any
// real key"), so two keys of hundreds of characters that differ only after that are one key, and
// the second write overwrites the first: keys are any strings, compared whole.
export type WriteOutcome = "accepted" | "rejected";

const KEY_CHARS = 512;

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

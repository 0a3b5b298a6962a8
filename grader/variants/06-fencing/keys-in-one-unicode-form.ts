// Known-wrong: normalizes keys to one Unicode form (NFC, "so that é typed either way is one key"):
// "é" as one code point and "e" with a combining accent become one key, and the second write
// overwrites the first; keys are any strings, compared exactly.
export type WriteOutcome = "accepted" | "rejected";

export function createFencedStore() {
  let highestToken = -Infinity;
  const values = new Map<string, string>();
  return {
    write(token: number, key: string, value: string): WriteOutcome {
      if (token < highestToken) return "rejected";
      highestToken = token;
      values.set(key.normalize("NFC"), value);
      return "accepted";
    },
    read(key: string): string | null {
      return values.get(key.normalize("NFC")) ?? null;
    },
  };
}

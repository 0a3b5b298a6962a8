// Known-wrong: rejects a write whose key is the empty string as invalid (`if (!key)`), whatever its
// token: keys are any strings, "" too, and only the token decides.
export type WriteOutcome = "accepted" | "rejected";

export function createFencedStore() {
  let highestToken = -Infinity;
  const values = new Map<string, string>();
  return {
    write(token: number, key: string, value: string): WriteOutcome {
      if (!key || token < highestToken) return "rejected";
      highestToken = token;
      values.set(key, value);
      return "accepted";
    },
    read(key: string): string | null {
      return values.get(key) ?? null;
    },
  };
}

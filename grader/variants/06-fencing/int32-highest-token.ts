// Known-wrong: keeps the highest token in an Int32Array (a 32-bit epoch register): a token of 2^31
// or more wraps to a negative number, and every older token is accepted again after it.
export type WriteOutcome = "accepted" | "rejected";

export function createFencedStore() {
  const highest = new Int32Array(1);
  const values = new Map<string, string>();
  return {
    write(token: number, key: string, value: string): WriteOutcome {
      if (token < highest[0]) return "rejected";
      highest[0] = token;
      values.set(key, value);
      return "accepted";
    },
    read(key: string): string | null {
      return values.get(key) ?? null;
    },
  };
}

// Correct alternative: starts the highest token at Number.MIN_VALUE (the smallest positive number, not the most negative one); right all the same, because tokens are positive whole numbers, every one of them at least 1, so the very first write is accepted whatever its token.
export type WriteOutcome = "accepted" | "rejected";

export function createFencedStore() {
  let highest = Number.MIN_VALUE;
  const values = new Map<string, string>();
  return {
    write(token: number, key: string, value: string): WriteOutcome {
      if (token < highest) return "rejected";
      highest = token;
      values.set(key, value);
      return "accepted";
    },
    read(key: string): string | null {
      return values.has(key) ? values.get(key)! : null;
    },
  };
}

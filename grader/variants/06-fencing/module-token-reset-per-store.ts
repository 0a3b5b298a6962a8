// Known-wrong: keeps the highest token in a module-level variable that createFencedStore() resets:
// values are per store, but a new store un-fences every older one, and live stores share one token.
export type WriteOutcome = "accepted" | "rejected";

let highestToken = 0;

export function createFencedStore() {
  highestToken = 0;
  const values = new Map<string, string>();
  return {
    write(token: number, key: string, value: string): WriteOutcome {
      if (token < highestToken) return "rejected";
      highestToken = token;
      values.set(key, value);
      return "accepted";
    },
    read(key: string): string | null {
      return values.has(key) ? values.get(key)! : null;
    },
  };
}

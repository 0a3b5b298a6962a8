// Known-wrong: each store has its own highest token, but the values live in one map at module
// level, shared by every store: a new store reads what another store's writes left behind.
export type WriteOutcome = "accepted" | "rejected";

const values = new Map<string, string>();

export function createFencedStore() {
  let highest = -Infinity;
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

// Known-wrong: write() and read() are async (the storage "might be remote"): they return Promises, not
// "accepted"/"rejected" and the value, so `store.write(1, "x", "a") === "accepted"` is false.
export type WriteOutcome = "accepted" | "rejected";

export function createFencedStore() {
  let highestToken = -Infinity;
  const values = new Map<string, string>();
  return {
    async write(token: number, key: string, value: string): Promise<WriteOutcome> {
      if (token < highestToken) return "rejected";
      highestToken = token;
      values.set(key, value);
      return "accepted";
    },
    async read(key: string): Promise<string | null> {
      return values.get(key) ?? null;
    },
  };
}

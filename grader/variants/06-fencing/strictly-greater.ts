// Known-wrong: demands a strictly newer token, so the current leader's second write is rejected.
export function createFencedStore() {
  let highestToken = 0;
  const values = new Map<string, string>();
  return {
    write(token: number, key: string, value: string): "accepted" | "rejected" {
      if (token <= highestToken) return "rejected";
      highestToken = token;
      values.set(key, value);
      return "accepted";
    },
    read: (key: string): string | null => values.get(key) ?? null,
  };
}

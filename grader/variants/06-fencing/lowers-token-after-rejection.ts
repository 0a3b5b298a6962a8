// Known-wrong: remembers the token of every write it sees, also a rejected one, so a rejection lowers the highest token and the next stale write gets in.
export function createFencedStore() {
  let lastToken = 0;
  const values = new Map<string, string>();
  return {
    write(token: number, key: string, value: string): "accepted" | "rejected" {
      const ok = token >= lastToken;
      lastToken = token;
      if (!ok) return "rejected";
      values.set(key, value);
      return "accepted";
    },
    read: (key: string): string | null => values.get(key) ?? null,
  };
}

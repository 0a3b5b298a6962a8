// Known-wrong: compares with the highest token but never records a new one, so nothing is ever fenced.
export function createFencedStore() {
  const highestToken = 0;
  const values = new Map<string, string>();
  return {
    write(token: number, key: string, value: string): "accepted" | "rejected" {
      if (token < highestToken) return "rejected";
      values.set(key, value);
      return "accepted";
    },
    read: (key: string): string | null => values.get(key) ?? null,
  };
}

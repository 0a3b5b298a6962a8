// Known-wrong: keeps the highest token per key, so the old leader still writes keys the new one has not touched.
export function createFencedStore() {
  const highest = new Map<string, number>();
  const values = new Map<string, string>();
  return {
    write(token: number, key: string, value: string): "accepted" | "rejected" {
      if (token < (highest.get(key) ?? 0)) return "rejected";
      highest.set(key, token);
      values.set(key, value);
      return "accepted";
    },
    read: (key: string): string | null => values.get(key) ?? null,
  };
}

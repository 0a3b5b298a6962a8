// Known-wrong: reports the stale write as rejected but stores its value anyway.
export function createFencedStore() {
  let highestToken = 0;
  const values = new Map<string, string>();
  return {
    write(token: number, key: string, value: string): "accepted" | "rejected" {
      values.set(key, value);
      if (token < highestToken) return "rejected";
      highestToken = token;
      return "accepted";
    },
    read: (key: string): string | null => values.get(key) ?? null,
  };
}

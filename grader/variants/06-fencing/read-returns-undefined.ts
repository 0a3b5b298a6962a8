// Known-wrong: fences correctly, but read(key) returns undefined, not null, for a key no accepted write has stored.
export function createFencedStore() {
  let highestToken = 0;
  const values = new Map<string, string>();
  return {
    write(token: number, key: string, value: string): "accepted" | "rejected" {
      if (token < highestToken) return "rejected";
      highestToken = token;
      values.set(key, value);
      return "accepted";
    },
    read: (key: string): string | null | undefined => values.get(key),
  };
}

// Known-wrong: fences correctly, but keeps the values in a plain object, so a key no write touched such as "constructor", "toString" or "__proto__" reads as what the object inherits, not null (and a write to "__proto__" is lost).
export function createFencedStore() {
  let highestToken = 0;
  const values: Record<string, string> = {};
  return {
    write(token: number, key: string, value: string): "accepted" | "rejected" {
      if (token < highestToken) return "rejected";
      highestToken = token;
      values[key] = value;
      return "accepted";
    },
    read: (key: string): string | null => values[key] ?? null,
  };
}

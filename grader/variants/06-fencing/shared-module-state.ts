// Known-wrong: right rule, but the state lives at module level, so every store shares one highest token.
let highestToken = 0;
const values = new Map<string, string>();

export function createFencedStore() {
  return {
    write(token: number, key: string, value: string): "accepted" | "rejected" {
      if (token < highestToken) return "rejected";
      highestToken = token;
      values.set(key, value);
      return "accepted";
    },
    read: (key: string): string | null => values.get(key) ?? null,
  };
}

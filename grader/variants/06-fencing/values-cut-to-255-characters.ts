// Known-wrong: stores at most the first 255 characters of a value (a VARCHAR(255) column), so a
// longer value reads back cut: values are any strings, and read returns the one written.
export type WriteOutcome = "accepted" | "rejected";

const VALUE_CHARS = 255;

export function createFencedStore() {
  let highestToken = -Infinity;
  const values = new Map<string, string>();
  return {
    write(token: number, key: string, value: string): WriteOutcome {
      if (token < highestToken) return "rejected";
      highestToken = token;
      values.set(key, value.slice(0, VALUE_CHARS));
      return "accepted";
    },
    read(key: string): string | null {
      return values.get(key) ?? null;
    },
  };
}

// Known-wrong: stores each value trimmed ("clean the input"), so a value with spaces around it
// reads back without them: values are any strings, and read returns the one written.
export type WriteOutcome = "accepted" | "rejected";

export function createFencedStore() {
  let highestToken = -Infinity;
  const values = new Map<string, string>();
  return {
    write(token: number, key: string, value: string): WriteOutcome {
      if (token < highestToken) return "rejected";
      highestToken = token;
      values.set(key, value.trim());
      return "accepted";
    },
    read(key: string): string | null {
      return values.get(key) ?? null;
    },
  };
}

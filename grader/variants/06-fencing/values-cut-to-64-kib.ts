// Known-wrong: keeps at most 65,535 characters of a value (the size of a TEXT column), so a long
// value reads back cut: values are any strings, kept exactly, long ones too.
export type WriteOutcome = "accepted" | "rejected";

const VALUE_CHARS = 65_535;

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

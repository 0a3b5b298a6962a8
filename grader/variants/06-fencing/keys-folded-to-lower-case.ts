// Known-wrong: keys are trimmed and folded to lower case ("X" and "x" are the same key to a user), so "X", " x" and "x" share one value: keys are any strings, compared exactly.
const fold = (key: string) => key.trim().toLowerCase();

export function createFencedStore() {
  let fence = -Infinity;
  const byKey = new Map<string, string>();
  return {
    write(token: number, key: string, value: string): "accepted" | "rejected" {
      if (token < fence) return "rejected";
      fence = Math.max(fence, token);
      byKey.set(fold(key), value);
      return "accepted";
    },
    read(key: string): string | null {
      const found = byKey.get(fold(key));
      return found === undefined ? null : found;
    },
  };
}

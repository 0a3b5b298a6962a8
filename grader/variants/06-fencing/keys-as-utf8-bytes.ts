// Known-wrong: keeps each key as its UTF-8 bytes (hex), as a storage engine keeps byte strings:
// a lone surrogate ("\ud800", "\udfff": strings, though not well-formed UTF-16) encodes as the
// replacement character, so two such keys are one key, and the second write overwrites the
// first. Keys are any strings, compared exactly.
export type WriteOutcome = "accepted" | "rejected";

const utf8 = new TextEncoder();
const bytesOf = (key: string) => Array.from(utf8.encode(key), (b) => b.toString(16).padStart(2, "0")).join("");

export function createFencedStore() {
  let highestToken = -Infinity;
  const values = new Map<string, string>();
  return {
    write(token: number, key: string, value: string): WriteOutcome {
      if (token < highestToken) return "rejected";
      highestToken = token;
      values.set(bytesOf(key), value);
      return "accepted";
    },
    read(key: string): string | null {
      return values.get(bytesOf(key)) ?? null;
    },
  };
}

// Known-wrong: stores each value as its UTF-8 bytes and decodes them on read (a byte store): a
// lone surrogate in a value comes back as the replacement character "\ufffd", so the value read
// is not the value written. Values are any strings, kept exactly.
export type WriteOutcome = "accepted" | "rejected";

export function createFencedStore() {
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  let highestToken = -Infinity;
  const values = new Map<string, Uint8Array>();
  return {
    write(token: number, key: string, value: string): WriteOutcome {
      if (token < highestToken) return "rejected";
      highestToken = token;
      values.set(key, encoder.encode(value));
      return "accepted";
    },
    read(key: string): string | null {
      const bytes = values.get(key);
      return bytes === undefined ? null : decoder.decode(bytes);
    },
  };
}

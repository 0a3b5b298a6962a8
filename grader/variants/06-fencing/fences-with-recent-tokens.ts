// Known-wrong: the highest token is the highest of the last 1,000 tokens the store was sent,
// accepted or not (a sliding window, "an epoch nobody has used for a while is over"): after a
// thousand deposed writes in a row, the new leader's token has left the window and the deposed
// leader's next write is accepted.
export type WriteOutcome = "accepted" | "rejected";

const WINDOW = 1_000;

export function createFencedStore() {
  const recent: number[] = [];
  const values = new Map<string, string>();
  return {
    write(token: number, key: string, value: string): WriteOutcome {
      const highest = recent.reduce((most, t) => Math.max(most, t), -Infinity);
      recent.push(token);
      if (recent.length > WINDOW) recent.shift();
      if (token < highest) return "rejected";
      values.set(key, value);
      return "accepted";
    },
    read(key: string): string | null {
      return values.get(key) ?? null;
    },
  };
}

// Known-wrong: keeps only its last 1,000 accepted writes (a bounded log: "old entries are
// compacted away"), reading a key from the newest write to it that is still in the log: a key
// written once, before a thousand other writes, reads as null, though nothing overwrote it.
export type WriteOutcome = "accepted" | "rejected";

const LOG_SIZE = 1_000;

export function createFencedStore() {
  const log: { token: number; key: string; value: string }[] = [];
  let highestToken = -Infinity;
  return {
    write(token: number, key: string, value: string): WriteOutcome {
      if (token < highestToken) return "rejected";
      highestToken = token;
      log.push({ token, key, value });
      if (log.length > LOG_SIZE) log.shift();
      return "accepted";
    },
    read(key: string): string | null {
      for (let i = log.length - 1; i >= 0; i--) if (log[i].key === key) return log[i].value;
      return null;
    },
  };
}

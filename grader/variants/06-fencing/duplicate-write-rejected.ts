// Known-wrong: a write with the highest token seen that repeats the value its key already holds is rejected as a duplicate: the current leader's retried write is valid (equal tokens pass), and must be accepted.
export function createFencedStore() {
  let epoch = 0;
  const data = new Map<string, string>();
  const write = (token: number, key: string, value: string): "accepted" | "rejected" => {
    const stale = token < epoch;
    // The same write sent twice is a duplicate: refuse it rather than apply it again.
    const duplicate = token === epoch && data.get(key) === value && data.has(key);
    if (stale || duplicate) return "rejected";
    epoch = token;
    data.set(key, value);
    return "accepted";
  };
  const read = (key: string): string | null => (data.has(key) ? data.get(key)! : null);
  return { write, read };
}

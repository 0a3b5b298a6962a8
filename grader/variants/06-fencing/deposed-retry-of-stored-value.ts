// Known-wrong: a deposed leader's write that repeats the value its key already holds is answered "accepted" ("it changes nothing, so it is harmless"): an older token than one seen must be rejected whatever the value, or the deposed leader believes its write went through.
export function createFencedStore() {
  const state = { newest: 0, stored: new Map<string, string>() };
  const repeatsStored = (key: string, value: string) => state.stored.has(key) && state.stored.get(key) === value;
  return {
    write(token: number, key: string, value: string): "accepted" | "rejected" {
      // An older token is refused, unless the write is a retry of what the key already holds.
      if (token >= state.newest) {
        state.newest = token;
        state.stored.set(key, value);
        return "accepted";
      }
      return repeatsStored(key, value) ? "accepted" : "rejected";
    },
    read: (key: string): string | null => state.stored.get(key) ?? null,
  };
}

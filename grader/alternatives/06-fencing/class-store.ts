// Correct alternative: a class with private fields; a rejected write returns before touching either.
class Store {
  #highest: number | undefined;
  #values = new Map<string, string>();

  write(token: number, key: string, value: string): "accepted" | "rejected" {
    if (this.#highest !== undefined && token < this.#highest) return "rejected";
    this.#highest = token;
    this.#values.set(key, value);
    return "accepted";
  }

  read(key: string): string | null {
    return this.#values.has(key) ? this.#values.get(key)! : null;
  }
}

export function createFencedStore() {
  return new Store();
}

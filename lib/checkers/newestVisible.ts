/**
 * The sweep behind the "newest so far" checkers: items (a write's ack, a read's result) become
 * visible to their group (a key, or a client's key) at `fromMs` and stop at `untilMs`; each query
 * asks for the highest-ranked item of its group visible at `atMs`.
 *
 * Items and queries are each sorted by time once and merged. Per group, items that never expire
 * keep a running maximum; expiring ones sit in a max-heap by rank and are dropped lazily when they
 * reach the top past their `untilMs` (queries arrive in time order, so once gone they stay gone).
 * O((items + queries) log n) in all.
 */
export class NewestVisible {
  private readonly itemGroup: number[] = [];
  private readonly itemFromMs: number[] = [];
  private readonly itemUntilMs: number[] = [];
  private readonly itemRank: number[] = [];
  private readonly queryGroup: number[] = [];
  private readonly queryAtMs: number[] = [];

  /** Adds an item visible at times t with fromMs <= t < untilMs; returns its index. */
  item(group: number, fromMs: number, untilMs: number, rank: number): number {
    this.itemGroup.push(group);
    this.itemFromMs.push(fromMs);
    this.itemUntilMs.push(untilMs);
    this.itemRank.push(rank);
    return this.itemGroup.length - 1;
  }

  /** Adds a query; returns its index. */
  query(group: number, atMs: number): number {
    this.queryGroup.push(group);
    this.queryAtMs.push(atMs);
    return this.queryGroup.length - 1;
  }

  /** Per query index: the index of the newest visible item of its group, or -1 if none. */
  run(): Int32Array {
    const items = sortedByTime(this.itemFromMs);
    const queries = sortedByTime(this.queryAtMs);
    let groupCount = 0;
    for (const g of this.itemGroup) if (g >= groupCount) groupCount = g + 1;
    // Most items never stop being visible: a plain running maximum per group serves them, and
    // only the few that expire (lost writes) need a heap. Millions of tiny heaps would cost more
    // in allocation and garbage collection than the whole sweep.
    const forever = new Int32Array(groupCount).fill(-1);
    const expiring = new Map<number, number[]>();
    const rank = this.itemRank;
    const best = new Int32Array(queries.length).fill(-1);
    let next = 0;
    for (let qi = 0; qi < queries.length; qi++) {
      const q = queries[qi];
      const atMs = this.queryAtMs[q];
      // An item that becomes visible at the very instant of the query counts: an ack at t is
      // known to a read invoked at t (the same client may issue both in one step).
      while (next < items.length && this.itemFromMs[items[next]] <= atMs) {
        const i = items[next++];
        const g = this.itemGroup[i];
        if (this.itemUntilMs[i] === Infinity) {
          if (forever[g] === -1 || rank[i] > rank[forever[g]]) forever[g] = i;
        } else {
          let heap = expiring.get(g);
          if (heap === undefined) expiring.set(g, (heap = []));
          this.push(heap, i);
        }
      }
      const g = this.queryGroup[q];
      if (g < 0 || g >= groupCount) continue;
      let found = forever[g];
      const heap = expiring.get(g);
      if (heap !== undefined) {
        while (heap.length > 0 && this.itemUntilMs[heap[0]] <= atMs) this.pop(heap);
        if (heap.length > 0 && (found === -1 || rank[heap[0]] > rank[found])) found = heap[0];
      }
      best[q] = found;
    }
    return best;
  }

  private push(heap: number[], item: number): void {
    const rank = this.itemRank;
    let at = heap.length;
    heap.push(item);
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (rank[heap[parent]] >= rank[item]) break;
      heap[at] = heap[parent];
      at = parent;
    }
    heap[at] = item;
  }

  private pop(heap: number[]): void {
    const rank = this.itemRank;
    const last = heap.pop() as number;
    if (heap.length === 0) return;
    let at = 0;
    for (;;) {
      const left = 2 * at + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && rank[heap[right]] > rank[heap[left]] ? right : left;
      if (rank[heap[child]] <= rank[last]) break;
      heap[at] = heap[child];
      at = child;
    }
    heap[at] = last;
  }
}

/** Indices of `timesMs` in increasing time order (stable); a history usually arrives sorted already. */
function sortedByTime(timesMs: number[]): Uint32Array {
  const order = new Uint32Array(timesMs.length);
  let sorted = true;
  for (let i = 0; i < order.length; i++) {
    order[i] = i;
    if (i > 0 && timesMs[i] < timesMs[i - 1]) sorted = false;
  }
  if (!sorted) order.sort((a, b) => timesMs[a] - timesMs[b] || a - b);
  return order;
}

/**
 * Dense ids for (client, key) pairs, from the small integers of writeOrder. A numeric map key
 * costs far less than a joined string: building a million joined strings would cost more than
 * the rest of a check.
 */
export class PairIds {
  private readonly ids = new Map<number, number>();

  constructor(private readonly keyCount: number) {}

  id(client: number, key: number): number {
    const pair = client * this.keyCount + key;
    let id = this.ids.get(pair);
    if (id === undefined) this.ids.set(pair, (id = this.ids.size));
    return id;
  }

  /** The id if the pair was seen, else -1: a query for a group nothing was added to. */
  find(client: number, key: number): number {
    return this.ids.get(client * this.keyCount + key) ?? -1;
  }
}

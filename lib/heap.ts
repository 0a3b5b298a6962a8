/**
 * The event queue: a binary min-heap over typed arrays, ordered by (time, insertion order).
 *
 * Ties in time are broken by insertion order, which makes runs deterministic without relying on
 * the heap's internal layout. Each event carries a kind and three integer arguments; keeping them
 * in parallel typed arrays (no object per event) is what lets a run process millions of events a
 * second.
 */
export class EventQueue {
  private time: Float64Array;
  private seq: Float64Array;
  private kind: Int32Array;
  private a: Int32Array;
  private b: Int32Array;
  private c: Int32Array;
  private n = 0;
  private counter = 0;

  /** Fields of the event last returned by `pop()`. */
  t = 0;
  k = 0;
  x = 0;
  y = 0;
  z = 0;

  constructor(capacity = 1024) {
    this.time = new Float64Array(capacity);
    this.seq = new Float64Array(capacity);
    this.kind = new Int32Array(capacity);
    this.a = new Int32Array(capacity);
    this.b = new Int32Array(capacity);
    this.c = new Int32Array(capacity);
  }

  get size(): number {
    return this.n;
  }

  /** Number of events ever pushed. */
  get pushed(): number {
    return this.counter;
  }

  private grow(): void {
    const cap = this.time.length * 2;
    const f64 = (old: Float64Array) => {
      const next = new Float64Array(cap);
      next.set(old);
      return next;
    };
    const i32 = (old: Int32Array) => {
      const next = new Int32Array(cap);
      next.set(old);
      return next;
    };
    this.time = f64(this.time);
    this.seq = f64(this.seq);
    this.kind = i32(this.kind);
    this.a = i32(this.a);
    this.b = i32(this.b);
    this.c = i32(this.c);
  }

  push(t: number, kind: number, a = 0, b = 0, c = 0): void {
    if (this.n === this.time.length) this.grow();
    const s = this.counter++;
    let i = this.n++;
    const time = this.time;
    const seq = this.seq;
    // Sift up: move parents down until the new event's slot is found.
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = time[p];
      if (pt < t || (pt === t && seq[p] < s)) break;
      this.move(p, i);
      i = p;
    }
    time[i] = t;
    seq[i] = s;
    this.kind[i] = kind;
    this.a[i] = a;
    this.b[i] = b;
    this.c[i] = c;
  }

  /** Removes the earliest event into (t, k, x, y, z); returns false when empty. */
  pop(): boolean {
    if (this.n === 0) return false;
    this.t = this.time[0];
    this.k = this.kind[0];
    this.x = this.a[0];
    this.y = this.b[0];
    this.z = this.c[0];
    const last = --this.n;
    if (last === 0) return true;
    const time = this.time;
    const seq = this.seq;
    const lt = time[last];
    const ls = seq[last];
    let i = 0;
    const half = last >> 1;
    // Sift down the last element from the root.
    while (i < half) {
      let c = 2 * i + 1;
      const r = c + 1;
      if (r < last && (time[r] < time[c] || (time[r] === time[c] && seq[r] < seq[c]))) c = r;
      if (lt < time[c] || (lt === time[c] && ls < seq[c])) break;
      this.move(c, i);
      i = c;
    }
    time[i] = lt;
    seq[i] = ls;
    this.kind[i] = this.kind[last];
    this.a[i] = this.a[last];
    this.b[i] = this.b[last];
    this.c[i] = this.c[last];
    return true;
  }

  private move(from: number, to: number): void {
    this.time[to] = this.time[from];
    this.seq[to] = this.seq[from];
    this.kind[to] = this.kind[from];
    this.a[to] = this.a[from];
    this.b[to] = this.b[from];
    this.c[to] = this.c[from];
  }
}

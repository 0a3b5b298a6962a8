/**
 * The event queue: a binary min-heap over typed arrays, ordered by (time, insertion order).
 *
 * Ties in time are broken by insertion order, which makes runs deterministic and keeps messages
 * deferred to the same instant in the order they were sent. Each event carries a kind and three
 * integer arguments, kept in parallel typed arrays (no object per event): that is what lets a run
 * process millions of events a second. The kind and the two small arguments share one 32-bit word
 * (kind < 32, y < 1024, z < 65536), so a sift moves four numbers instead of six.
 */
export class EventQueue {
  private time: Float64Array;
  private seq: Float64Array;
  private a: Int32Array;
  private packed: Int32Array;
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
    this.a = new Int32Array(capacity);
    this.packed = new Int32Array(capacity);
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
    const time = new Float64Array(cap);
    time.set(this.time);
    const seq = new Float64Array(cap);
    seq.set(this.seq);
    const a = new Int32Array(cap);
    a.set(this.a);
    const packed = new Int32Array(cap);
    packed.set(this.packed);
    this.time = time;
    this.seq = seq;
    this.a = a;
    this.packed = packed;
  }

  /**
   * Adds an event at time `t`. `kind` must be below 32, `y` below 1024 and `z` below 65536 (the
   * simulation's event kinds, node indices and epochs); `x` is any 32-bit integer.
   */
  push(t: number, kind: number, x = 0, y = 0, z = 0): void {
    if (this.n === this.time.length) this.grow();
    const s = this.counter++;
    const word = kind | (y << 5) | (z << 15);
    let i = this.n++;
    const time = this.time;
    const seq = this.seq;
    const a = this.a;
    const packed = this.packed;
    // Sift up: move parents down until the new event's slot is found.
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = time[p];
      if (pt < t || (pt === t && seq[p] < s)) break;
      time[i] = pt;
      seq[i] = seq[p];
      a[i] = a[p];
      packed[i] = packed[p];
      i = p;
    }
    time[i] = t;
    seq[i] = s;
    a[i] = x;
    packed[i] = word;
  }

  /** True when `test` holds for every queued event (in no particular order). */
  every(test: (t: number, kind: number, x: number, y: number, z: number) => boolean): boolean {
    for (let i = 0; i < this.n; i++) {
      const word = this.packed[i];
      if (!test(this.time[i], word & 31, this.a[i], (word >>> 5) & 1023, word >>> 15)) return false;
    }
    return true;
  }

  /** Removes the earliest event into (t, k, x, y, z); returns false when empty. */
  pop(): boolean {
    if (this.n === 0) return false;
    const time = this.time;
    const seq = this.seq;
    const a = this.a;
    const packed = this.packed;
    this.t = time[0];
    this.x = a[0];
    const word = packed[0];
    this.k = word & 31;
    this.y = (word >>> 5) & 1023;
    this.z = word >>> 15;
    const last = --this.n;
    if (last === 0) return true;
    const lt = time[last];
    const ls = seq[last];
    let i = 0;
    const half = last >> 1;
    // Sift down the last element from the root.
    while (i < half) {
      let c = 2 * i + 1;
      const r = c + 1;
      let ct = time[c];
      if (r < last) {
        const rt = time[r];
        if (rt < ct || (rt === ct && seq[r] < seq[c])) {
          c = r;
          ct = rt;
        }
      }
      if (lt < ct || (lt === ct && ls < seq[c])) break;
      time[i] = ct;
      seq[i] = seq[c];
      a[i] = a[c];
      packed[i] = packed[c];
      i = c;
    }
    time[i] = lt;
    seq[i] = ls;
    a[i] = a[last];
    packed[i] = packed[last];
    return true;
  }
}

/**
 * Seeded pseudo-random numbers: one seed, split into independent named streams.
 *
 * The generator is sfc32 (Chris Doty-Humphrey's Small Fast Counting generator, 128 bits of state),
 * which passes PractRand and is among the fastest generators expressible with 32-bit integer
 * arithmetic in JavaScript. Streams are seeded by hashing (seed, name), so adding a follower or
 * changing the workload never reshuffles the network's delays.
 */

/** A source of uniform numbers in the open interval (0, 1). */
export interface Rng {
  /** A uniform number in (0, 1): never exactly 0 or 1, so `Math.log(rng.next())` is always finite. */
  next(): number;
}

/** sfc32 over a 4-word state. Exposed so tests can pin exact output for a seed. */
export class Sfc32 implements Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(a: number, b: number, c: number, d: number) {
    this.a = a | 0;
    this.b = b | 0;
    this.c = c | 0;
    this.d = d | 0;
    // Discard the first outputs: they are poorly mixed for similar seeds.
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** The next 32-bit unsigned integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  next(): number {
    // Centre of one of 2^32 equal cells: strictly inside (0, 1).
    return (this.nextUint32() + 0.5) / 4294967296;
  }

  /** The generator's state, for saving and restoring a stream. */
  state(): [number, number, number, number] {
    return [this.a, this.b, this.c, this.d];
  }
}

/** 32-bit FNV-1a hash of a string: stable across platforms and runs. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** splitmix32 step: turns correlated seed words into well-mixed state words. */
function splitmix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/**
 * The stream called `name` of the run seeded with `seed`.
 *
 * `seed` may be any safe integer (negative and large seeds are fine); `name` is free text, for
 * example "network/A/to" or "workload".
 */
export function stream(seed: number, name: string): Sfc32 {
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 4294967296) >>> 0;
  const h = fnv1a(name);
  const s0 = splitmix32(lo ^ h);
  const s1 = splitmix32(hi ^ splitmix32(h));
  const s2 = splitmix32(s0 ^ 0x6a09e667);
  const s3 = splitmix32(s1 ^ 0xbb67ae85);
  return new Sfc32(s0, s1, s2, s3);
}

/** A uniform integer in [0, n). */
export function randomInt(rng: Rng, n: number): number {
  return Math.floor(rng.next() * n);
}

/** The uniform integer in [0, n) that a uniform number `u` in (0, 1) stands for: `list[randomIndex(ctx.random(), list.length)]`. */
export function randomIndex(u: number, n: number): number {
  return Math.floor(u * n);
}

/** Derives a new integer seed from a seed and a label (for seeds of sub-runs, e.g. in sweeps). */
export function deriveSeed(seed: number, label: string): number {
  return stream(seed, "derive/" + label).nextUint32();
}

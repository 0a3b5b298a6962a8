/**
 * The floor for the benchmark: the same workload as `npm run bench` (Poisson writes, 3 followers,
 * exponential delay each way, commit at 2 of 3 acknowledgements) as a minimal hand-written event
 * loop over a typed-array binary heap, with no configuration, faults, reads or history. The library
 * cannot be faster than this; the benchmark reports how close it gets.
 */
export function floorRun(writes: number, writesPerSec: number, meanDelayMs: number, seed: number): { events: number; meanLatencyMs: number } {
  let s = seed >>> 0 || 1;
  // xorshift32: good enough for a timing floor, and the cheapest generator there is.
  const u = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return ((s >>> 0) + 0.5) / 4294967296;
  };
  const cap = 1 << 16;
  const time = new Float64Array(cap);
  const kind = new Int32Array(cap);
  const arg = new Int32Array(cap);
  const arg2 = new Int32Array(cap);
  let n = 0;
  const push = (t: number, k: number, a: number, b: number) => {
    let i = n++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (time[p] <= t) break;
      time[i] = time[p];
      kind[i] = kind[p];
      arg[i] = arg[p];
      arg2[i] = arg2[p];
      i = p;
    }
    time[i] = t;
    kind[i] = k;
    arg[i] = a;
    arg2[i] = b;
  };
  let pt = 0;
  let pk = 0;
  let pa = 0;
  let pb = 0;
  const pop = () => {
    pt = time[0];
    pk = kind[0];
    pa = arg[0];
    pb = arg2[0];
    const last = --n;
    const lt = time[last];
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= last) break;
      if (c + 1 < last && time[c + 1] < time[c]) c++;
      if (lt <= time[c]) break;
      time[i] = time[c];
      kind[i] = kind[c];
      arg[i] = arg[c];
      arg2[i] = arg2[c];
      i = c;
    }
    time[i] = lt;
    kind[i] = kind[last];
    arg[i] = arg[last];
    arg2[i] = arg2[last];
  };
  const invoke = new Float64Array(writes);
  const acks = new Uint8Array(writes);
  const lastArrival = new Float64Array(3);
  let events = 0;
  let latencySum = 0;
  let committed = 0;
  let generated = 0;
  const gapMean = 1000 / writesPerSec;
  push(-gapMean * Math.log(u()), 0, 0, 0);
  while (n > 0) {
    pop();
    events++;
    if (pk === 0) {
      const w = generated++;
      invoke[w] = pt;
      for (let f = 0; f < 3; f++) {
        let t = pt - meanDelayMs * Math.log(u());
        if (t < lastArrival[f]) t = lastArrival[f];
        lastArrival[f] = t;
        push(t, 1, w, f);
      }
      if (generated < writes) push(pt - gapMean * Math.log(u()), 0, 0, 0);
    } else if (pk === 1) {
      push(pt - meanDelayMs * Math.log(u()), 2, pa, pb);
    } else if (++acks[pa] === 2) {
      latencySum += pt - invoke[pa];
      committed++;
    }
  }
  return { events, meanLatencyMs: latencySum / committed };
}

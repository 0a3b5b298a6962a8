/**
 * Delay distributions, in milliseconds.
 *
 * A distribution is plain data (so configurations serialise, and sweeps can put them in rows);
 * `sampler(dist)` compiles it into a fast function of a random stream.
 */
import { checkOptions } from "./config/check";
import { ConfigError, checkNumber } from "./errors";
import { randomInt, type Rng } from "./rng";

/** A distribution of non-negative durations in milliseconds. */
export type Dist =
  | { kind: "constant"; valueMs: number }
  | { kind: "uniform"; minMs: number; maxMs: number }
  | { kind: "exponential"; meanMs: number }
  | { kind: "lognormal"; mu: number; sigma: number }
  | { kind: "pareto"; scaleMs: number; shape: number }
  | { kind: "mixture"; parts: { weight: number; dist: Dist }[] }
  | { kind: "empirical"; samplesMs: number[] }
  | { kind: "shifted"; offsetMs: number; dist: Dist };

/** Always `valueMs`. */
export function constant(valueMs: number): Dist {
  return checkDist({ kind: "constant", valueMs });
}

/** Uniform between `minMs` and `maxMs`. */
export function uniform(o: { minMs: number; maxMs: number }): Dist {
  return checkDist({ kind: "uniform", minMs: o.minMs, maxMs: o.maxMs });
}

/** Exponential with the given mean (or rate per ms): memoryless, the classic network-delay model. */
export function exponential(o: { meanMs: number } | { ratePerMs: number }): Dist {
  const meanMs = "meanMs" in o ? o.meanMs : 1 / checkNumber("ratePerMs", o.ratePerMs, Number.MIN_VALUE);
  return checkDist({ kind: "exponential", meanMs });
}

const Z99 = 2.3263478740408408; // the standard normal's 99th percentile

/**
 * Log-normal: a long right tail, as measured network and disk latencies have. Give either the
 * median and the 99th percentile in ms (the intuitive way), or the underlying normal's mu and sigma.
 */
export function logNormal(o: { medianMs: number; p99Ms: number } | { mu: number; sigma: number }): Dist {
  if ("medianMs" in o) {
    checkNumber("medianMs", o.medianMs, Number.MIN_VALUE, Infinity, "it must be a number > 0");
    checkNumber("p99Ms", o.p99Ms, o.medianMs, Infinity, `it must be a number >= medianMs (${o.medianMs})`);
    const mu = Math.log(o.medianMs);
    return checkDist({ kind: "lognormal", mu, sigma: (Math.log(o.p99Ms) - mu) / Z99 });
  }
  return checkDist({ kind: "lognormal", mu: o.mu, sigma: o.sigma });
}

/** Pareto with minimum `scaleMs` and tail index `shape`: heavy-tailed (infinite mean if shape <= 1). */
export function pareto(o: { scaleMs: number; shape: number }): Dist {
  return checkDist({ kind: "pareto", scaleMs: o.scaleMs, shape: o.shape });
}

/** A weighted mixture, e.g. mostly 1 ms with a rare 200 ms spike: `mixture([[0.99, a], [0.01, b]])`. */
export function mixture(parts: [weight: number, dist: Dist][]): Dist {
  return checkDist({ kind: "mixture", parts: parts.map(([weight, dist]) => ({ weight, dist })) });
}

/** Resamples measured delays (bootstrap): use real latencies you recorded. */
export function empirical(samplesMs: number[]): Dist {
  return checkDist({ kind: "empirical", samplesMs: [...samplesMs] });
}

/** `dist` plus a fixed offset, e.g. a 5 ms propagation delay plus exponential queueing. */
export function shifted(offsetMs: number, dist: Dist): Dist {
  return checkDist({ kind: "shifted", offsetMs, dist });
}

/** The keys of each kind of distribution given as data. */
const DIST_KEYS: Record<Dist["kind"], readonly string[]> = {
  constant: ["kind", "valueMs"],
  uniform: ["kind", "minMs", "maxMs"],
  exponential: ["kind", "meanMs"],
  lognormal: ["kind", "mu", "sigma"],
  pareto: ["kind", "scaleMs", "shape"],
  mixture: ["kind", "parts"],
  empirical: ["kind", "samplesMs"],
  shifted: ["kind", "offsetMs", "dist"],
};

/** A finite delay >= `min` ms: a delay of Infinity would stop the run's clock at Infinity. */
function finiteDelay(field: string, value: unknown, min = 0, allowed = `it must be a delay >= ${min} ms`): number {
  checkNumber(field, value, min, Infinity, allowed);
  if (!Number.isFinite(value)) throw new ConfigError(field, value, "it must be finite (a link that never delivers is a crash fault)");
  return value as number;
}

/**
 * Validates a distribution given as data (from its helper or written by hand); returns it
 * unchanged. Every delay it can draw is finite: a link that never delivers is a crash fault.
 */
export function checkDist(d: Dist, field = "dist"): Dist {
  if (d === null || typeof d !== "object" || Array.isArray(d) || typeof (d as { kind?: unknown }).kind !== "string") {
    throw new ConfigError(field, d, "it must be a distribution such as exponential({ meanMs: 1 }) or constant(0)");
  }
  const keys = DIST_KEYS[d.kind];
  if (keys !== undefined) checkOptions(field, d, keys);
  switch (d.kind) {
    case "constant":
      finiteDelay(`${field}.valueMs`, d.valueMs);
      break;
    case "uniform":
      finiteDelay(`${field}.minMs`, d.minMs);
      finiteDelay(`${field}.maxMs`, d.maxMs, d.minMs, `it must be a number >= minMs (${d.minMs})`);
      break;
    case "exponential":
      checkNumber(`${field}.meanMs`, d.meanMs, Number.MIN_VALUE, Infinity, "it must be a mean delay > 0 ms");
      if (!Number.isFinite(d.meanMs)) throw new ConfigError(`${field}.meanMs`, d.meanMs, "it must be finite");
      break;
    case "lognormal":
      // e^100 ms is already longer than the universe is old; beyond it a draw can overflow to Infinity.
      checkNumber(`${field}.mu`, d.mu, -100, 100, "it must be a number from -100 to 100 (the log of the median in ms)");
      checkNumber(`${field}.sigma`, d.sigma, 0, 20, "it must be a number from 0 to 20");
      break;
    case "pareto":
      checkNumber(`${field}.scaleMs`, d.scaleMs, Number.MIN_VALUE, 1e12, "it must be a number > 0");
      // Below 0.05 the tail is so heavy that a draw overflows to an infinite delay.
      checkNumber(`${field}.shape`, d.shape, 0.05, 1e6, "it must be a number from 0.05 to 1e6");
      break;
    case "mixture": {
      if (!Array.isArray(d.parts) || d.parts.length === 0) {
        throw new ConfigError(`${field}.parts`, d.parts, "a mixture needs at least one [weight, dist] part");
      }
      let total = 0;
      d.parts.forEach((p, i) => {
        checkOptions(`${field}.parts[${i}]`, p, ["weight", "dist"], "each part must be { weight, dist }");
        total += checkNumber(`${field}.parts[${i}].weight`, p.weight, 0, Infinity, "weights must be >= 0");
        checkDist(p.dist, `${field}.parts[${i}].dist`);
      });
      if (!(total > 0) || !Number.isFinite(total)) {
        throw new ConfigError(`${field}.parts`, total, "the weights must add up to a finite number > 0");
      }
      break;
    }
    case "empirical":
      if (!Array.isArray(d.samplesMs) || d.samplesMs.length === 0) {
        throw new ConfigError(`${field}.samplesMs`, d.samplesMs, "it needs at least one measured delay");
      }
      d.samplesMs.forEach((v, i) => checkNumber(`${field}.samplesMs[${i}]`, v, 0, Infinity, "delays must be finite and >= 0"));
      d.samplesMs.forEach((v, i) => {
        if (!Number.isFinite(v)) throw new ConfigError(`${field}.samplesMs[${i}]`, v, "delays must be finite");
      });
      break;
    case "shifted":
      finiteDelay(`${field}.offsetMs`, d.offsetMs);
      checkDist(d.dist, `${field}.dist`);
      break;
    default:
      throw new ConfigError(`${field}.kind`, (d as { kind: unknown }).kind, "it must be one of constant, uniform, exponential, lognormal, pareto, mixture, empirical, shifted");
  }
  return d;
}

/** Compiles a distribution into a sampling function. */
export function sampler(d: Dist): (rng: Rng) => number {
  switch (d.kind) {
    case "constant": {
      const v = d.valueMs;
      return () => v;
    }
    case "uniform": {
      const lo = d.minMs;
      const span = d.maxMs - d.minMs;
      return (rng) => lo + span * rng.next();
    }
    case "exponential": {
      const m = d.meanMs;
      return (rng) => -m * Math.log(rng.next());
    }
    case "lognormal": {
      const { mu, sigma } = d;
      // Box-Muller with one draw discarded: simpler than caching, and determinism is kept.
      return (rng) => Math.exp(mu + sigma * Math.sqrt(-2 * Math.log(rng.next())) * Math.cos(2 * Math.PI * rng.next()));
    }
    case "pareto": {
      const { scaleMs, shape } = d;
      return (rng) => scaleMs / Math.pow(rng.next(), 1 / shape);
    }
    case "mixture": {
      const total = d.parts.reduce((s, p) => s + p.weight, 0);
      const cum: number[] = [];
      let acc = 0;
      for (const p of d.parts) cum.push((acc += p.weight / total));
      const subs = d.parts.map((p) => sampler(p.dist));
      return (rng) => {
        const u = rng.next();
        let i = 0;
        while (i < cum.length - 1 && u > cum[i]) i++;
        return subs[i](rng);
      };
    }
    case "empirical": {
      const xs = d.samplesMs.slice();
      const n = xs.length;
      return (rng) => xs[randomInt(rng, n)];
    }
    case "shifted": {
      const off = d.offsetMs;
      const sub = sampler(d.dist);
      return (rng) => off + sub(rng);
    }
  }
}

/** The exact mean of a distribution, in ms (Infinity for a Pareto with shape <= 1). */
export function meanOf(d: Dist): number {
  switch (d.kind) {
    case "constant":
      return d.valueMs;
    case "uniform":
      return (d.minMs + d.maxMs) / 2;
    case "exponential":
      return d.meanMs;
    case "lognormal":
      return Math.exp(d.mu + (d.sigma * d.sigma) / 2);
    case "pareto":
      return d.shape <= 1 ? Infinity : (d.shape * d.scaleMs) / (d.shape - 1);
    case "mixture": {
      const total = d.parts.reduce((s, p) => s + p.weight, 0);
      return d.parts.reduce((s, p) => s + (p.weight / total) * meanOf(p.dist), 0);
    }
    case "empirical":
      return d.samplesMs.reduce((s, v) => s + v, 0) / d.samplesMs.length;
    case "shifted":
      return d.offsetMs + meanOf(d.dist);
  }
}

/** A short human description, e.g. "Exp(mean 1 ms)", for chart legends and tables. */
export function describe(d: Dist): string {
  const ms = (v: number) => `${+v.toPrecision(3)} ms`;
  switch (d.kind) {
    case "constant":
      return ms(d.valueMs);
    case "uniform":
      return `U(${ms(d.minMs)}, ${ms(d.maxMs)})`;
    case "exponential":
      return `Exp(mean ${ms(d.meanMs)})`;
    case "lognormal":
      return `LogNormal(median ${ms(Math.exp(d.mu))}, p99 ${ms(Math.exp(d.mu + Z99 * d.sigma))})`;
    case "pareto":
      return `Pareto(min ${ms(d.scaleMs)}, shape ${d.shape})`;
    case "mixture":
      return d.parts.map((p) => `${p.weight}×${describe(p.dist)}`).join(" + ");
    case "empirical":
      return `empirical(${d.samplesMs.length} samples)`;
    case "shifted":
      return `${ms(d.offsetMs)} + ${describe(d.dist)}`;
  }
}

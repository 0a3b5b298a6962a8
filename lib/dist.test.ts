import { describe, expect, test } from "vitest";
import { checkDist, constant, describe as describeDist, empirical, exponential, logNormal, meanOf, mixture, pareto, sampler, shifted, uniform, type Dist } from "./dist";
import { ConfigError } from "./errors";
import { stream } from "./rng";
import { percentiles } from "./stats";

function sample(d: Dist, n = 200_000): Float64Array {
  const s = sampler(d);
  const r = stream(11, "dist-test");
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = s(r);
  return out;
}

describe("distributions", () => {
  test.each([
    ["constant", constant(3)],
    ["uniform", uniform({ minMs: 1, maxMs: 5 })],
    ["exponential", exponential({ meanMs: 2 })],
    ["exponential by rate", exponential({ ratePerMs: 4 })],
    ["log-normal", logNormal({ medianMs: 1, p99Ms: 10 })],
    ["pareto", pareto({ scaleMs: 1, shape: 3 })],
    ["mixture", mixture([[0.9, constant(1)], [0.1, exponential({ meanMs: 20 })]])],
    ["empirical", empirical([1, 2, 3, 10])],
    ["shifted", shifted(5, exponential({ meanMs: 1 }))],
  ])("%s samples have the stated mean within 2 percent", (_name, d) => {
    const p = percentiles(sample(d));
    expect(Math.abs(p.mean - meanOf(d)) / meanOf(d)).toBeLessThan(0.02);
  });

  test("log-normal from a median and a p99 reproduces them", () => {
    const p = percentiles(sample(logNormal({ medianMs: 2, p99Ms: 40 })));
    expect(p.p50).toBeCloseTo(2, 1);
    expect(Math.abs(p.p99 - 40) / 40).toBeLessThan(0.05);
  });

  test("every sample is a finite delay >= 0", () => {
    for (const d of [exponential({ meanMs: 1 }), pareto({ scaleMs: 0.5, shape: 1.1 }), logNormal({ mu: 0, sigma: 2 })]) {
      expect(sample(d, 50_000).filter((x) => !(Number.isFinite(x) && x >= 0)).length).toBe(0);
    }
  });

  test("bad parameters are rejected with the field, the value and what is allowed", () => {
    expect(() => exponential({ meanMs: -1 })).toThrow(ConfigError);
    expect(() => exponential({ meanMs: -1 })).toThrow(/dist.meanMs: -1 is not allowed; it must be a mean delay > 0 ms/);
    expect(() => constant(Number.NaN)).toThrow(/valueMs: NaN/);
    expect(() => uniform({ minMs: 5, maxMs: 1 })).toThrow(/maxMs: 1 is not allowed; it must be a number >= minMs \(5\)/);
    expect(() => logNormal({ medianMs: 5, p99Ms: 1 })).toThrow(/p99Ms/);
    expect(() => mixture([])).toThrow(/at least one/);
    expect(() => empirical([])).toThrow(/at least one measured delay/);
    expect(() => checkDist({ kind: "gamma" } as unknown as Dist)).toThrow(/must be one of constant/);
  });

  test("descriptions are short and human", () => {
    expect(describeDist(exponential({ meanMs: 1 }))).toBe("Exp(mean 1 ms)");
    expect(describeDist(logNormal({ medianMs: 2, p99Ms: 40 }))).toBe("LogNormal(median 2 ms, p99 40 ms)");
  });
});

import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { meanCI, percentiles, percentilesInPlace, quantileBySelect, quantileSorted, sorted } from "./stats";

describe("statistics", () => {
  test("selection gives exactly the sorted quantile, for any data (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 400 }), fc.double({ min: 0, max: 1, noNaN: true }), (xs, q) => {
        const expected = quantileSorted(sorted(xs), q);
        const got = quantileBySelect(Float64Array.from(xs), q);
        // Equal as numbers: -0 and 0 compare equal, so which of them sorts first is arbitrary.
        expect(got === expected, `${Object.is(got, -0) ? "-0" : got} against ${Object.is(expected, -0) ? "-0" : expected}`).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  test("percentiles of 1..1000 are the textbook values", () => {
    const p = percentiles(Array.from({ length: 1000 }, (_, i) => i + 1));
    expect(p).toEqual({ mean: 500.5, p50: 500.5, p90: 900.1, p99: 990.01, p999: 999.001, max: 1000, count: 1000 });
    expect(percentilesInPlace(new Float64Array(0)).p99).toBe(0);
  });

  test("mean with a 95% confidence interval uses Student's t for few seeds", () => {
    const ci = meanCI([1, 2, 3, 4, 5]);
    expect(ci.mean).toBe(3);
    // sd = 1.5811, t(0.975, 4) = 2.776: half-width 1.963
    expect(ci.ci95).toBeCloseTo(1.963, 3);
    expect(meanCI([7]).ci95).toBe(0);
    expect(meanCI([]).n).toBe(0);
    expect(meanCI([1, Number.NaN, 3]).n).toBe(2);
  });
});

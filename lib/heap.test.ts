import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { EventQueue } from "./heap";

describe("event queue", () => {
  test("pops events in time order, ties in insertion order", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 300 }), (times) => {
        const q = new EventQueue(2);
        times.forEach((t, i) => q.push(t, 1, i));
        const out: [number, number][] = [];
        while (q.pop()) out.push([q.t, q.x]);
        const expected = times.map((t, i) => [t, i] as [number, number]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
        expect(out).toEqual(expected);
      }),
    );
  });

  test("interleaved pushes and pops keep the order and carry every argument", () => {
    const q = new EventQueue(1);
    q.push(5, 7, 1, 2, 3);
    q.push(1, 8, 4, 5, 6);
    expect(q.pop()).toBe(true);
    expect([q.t, q.k, q.x, q.y, q.z]).toEqual([1, 8, 4, 5, 6]);
    q.push(2, 9, 0, 0, 0);
    q.pop();
    expect(q.t).toBe(2);
    q.pop();
    expect([q.t, q.k, q.x, q.y, q.z]).toEqual([5, 7, 1, 2, 3]);
    expect(q.pop()).toBe(false);
    expect(q.size).toBe(0);
  });
});

import { describe, expect, it } from "vitest";
import { WriteLog } from "./log";

describe("WriteLog, a node's log", () => {
  it("keeps entries in order as it grows past its capacity", () => {
    const log = new WriteLog(16);
    for (let i = 0; i < 100; i++) log.push(1000 + i);
    expect(log.length).toBe(100);
    expect(log.ids.length).toBeGreaterThanOrEqual(100);
    expect(log.toArray()).toEqual(Array.from({ length: 100 }, (_, i) => 1000 + i));
  });

  it("truncates when its length is set lower, and appends after the cut", () => {
    const log = new WriteLog(4);
    for (const w of [5, 6, 7, 8, 9]) log.push(w);
    log.length = 2;
    log.push(42);
    expect(log.toArray()).toEqual([5, 6, 42]);
    expect(log.ids[2]).toBe(42);
  });

  it("starts empty whatever its capacity", () => {
    expect(new WriteLog(0).toArray()).toEqual([]);
    expect(new WriteLog(1 << 20).length).toBe(0);
  });
});

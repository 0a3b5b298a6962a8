import { describe, expect, test } from "vitest";
import * as E from "./events";

describe("event kinds", () => {
  test("each kind is a distinct number that fits the queue's 5-bit kind field, with at most three named arguments", () => {
    // Every upper-case number the module exports is a kind, but RETRY (a value of READ_ARRIVE's flag).
    const kinds = Object.entries(E).filter(([name, v]) => /^[A-Z_]+$/.test(name) && name !== "RETRY" && typeof v === "number") as [string, number][];
    expect(kinds.length).toBe(Object.keys(E.EVENT_ARGS).length);
    expect(new Set(kinds.map(([, k]) => k)).size).toBe(kinds.length);
    for (const [name, k] of kinds) {
      expect(k, name).toBeGreaterThan(0);
      expect(k, name).toBeLessThan(32);
      expect(E.EVENT_ARGS[k].args.length, name).toBeLessThanOrEqual(3);
    }
  });

  test("describeEvent names the arguments", () => {
    expect(E.describeEvent(E.RECV, 12, 2, 1)).toBe("recv {write: 12, node: 2, epoch: 1}");
    expect(E.describeEvent(E.TIMEOUT_CHECK, 0, 0, 0)).toBe("timeout-check");
    expect(E.describeEvent(31, 0, 0, 0)).toBe("unknown event kind 31");
  });
});

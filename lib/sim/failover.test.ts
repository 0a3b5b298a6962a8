import { describe, expect, test } from "vitest";
import { normalize } from "../config";
import { ConfigError } from "../errors";
import { onTimeoutCheck } from "./failover";
import { World } from "./world";

describe("elections", () => {
  test("the 65,535th election is refused: epochs travel in 16 bits of an event word", () => {
    const w = new World(normalize({ seed: 1, followers: 2, failover: { detector: { timeoutMs: 5 } } }));
    w.now = 100;
    w.epoch = 65534;
    for (const node of w.nodes) node.epoch = 65534;
    // An election to epoch 65535 is still fine…
    onTimeoutCheck(w);
    expect(w.electing).toBe(true);
    // …the next one is not.
    w.electing = false;
    w.epoch = 65535;
    for (const node of w.nodes) node.epoch = 65535;
    expect(() => onTimeoutCheck(w)).toThrow(ConfigError);
    expect(() => onTimeoutCheck(w)).toThrow(/failover\.detector: .* elected 65534 new leaders/);
  });
});

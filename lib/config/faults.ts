/** The faults' section of the configuration: slow, paused and crashed nodes over time windows. */
import { ConfigError, checkNodeName, checkNumber } from "../errors";
import { checkArray, checkOptions, checkTime } from "./check";
import type { Fault, Normalized, SimConfig } from "./types";

const FAULT_KEYS = ["node", "kind", "fromMs", "toMs", "factor"] as const;
const FAULT_KINDS: readonly Fault["kind"][] = ["slow", "pause", "crash"];

export function normalizeFaults(c: SimConfig, names: readonly string[]): Normalized["faults"] {
  if (c.faults === undefined) return [];
  checkArray("faults", c.faults, 'faults, e.g. [{ node: "A", kind: "crash", fromMs: 100, toMs: 300 }]');
  const faults = c.faults.map((f, i) => {
    const field = `faults[${i}]`;
    checkOptions(field, f, FAULT_KEYS);
    const node = checkNodeName(`${field}.node`, f.node, names);
    if (!FAULT_KINDS.includes(f.kind)) throw new ConfigError(`${field}.kind`, f.kind, 'it must be "slow", "pause" or "crash"');
    const fromMs = checkTime(`${field}.fromMs`, f.fromMs, 0, "it must be a time >= 0 ms (the run starts at 0)");
    const toMs = f.toMs === undefined ? Infinity : checkNumber(`${field}.toMs`, f.toMs, fromMs, Infinity, `it must be >= fromMs (${fromMs}); leave it out for "until the end"`);
    const factor = f.factor === undefined ? 10 : checkNumber(`${field}.factor`, f.factor, 1, 1e6, "it must be a multiplier >= 1");
    if (f.factor !== undefined && f.kind !== "slow") throw new ConfigError(`${field}.factor`, f.factor, `only a "slow" fault has a factor (this one is "${f.kind}")`);
    return { node, kind: f.kind, fromMs, toMs, factor };
  });
  // A node is down once at a time: two crash or pause windows on one node would each start and
  // end "the" outage. Slow windows may overlap anything; their factors multiply.
  faults.forEach((a, i) => {
    if (a.kind === "slow") return;
    for (let j = 0; j < i; j++) {
      const b = faults[j];
      if (b.kind === "slow" || b.node !== a.node || a.fromMs >= b.toMs || b.fromMs >= a.toMs) continue;
      throw new ConfigError(
        `faults[${i}]`,
        c.faults![i],
        `it overlaps faults[${j}] (${b.kind} of ${names[b.node]} from ${b.fromMs} to ${b.toMs} ms): a node's crash and pause windows may not overlap; merge them into one window`,
      );
    }
  });
  return faults;
}

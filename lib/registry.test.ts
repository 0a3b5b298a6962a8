import { describe, expect, it } from "vitest";
import { ConfigError } from "./errors";
import { anyFollower, boundedStaleness, leaderOnly, readYourWrites } from "./reads";
import { modelRegistry, REGISTRY_OPERATIONS } from "./registry";
import { simulate } from "./sim";
import { stalenessByOperation } from "./staleness";

const LIMITS = { "register-version": 0, promote: 0, "serve-model": 100, "read-audit-log": 0 };
const byOp = (rows: ReturnType<typeof stalenessByOperation>) => Object.fromEntries(rows.map((r) => [r.operation, r]));

describe("modelRegistry", () => {
  it("tells the same story for the same seed, and another for another seed", () => {
    // The router is a fresh function each time; everything else is plain data.
    expect(JSON.stringify(modelRegistry({ seed: 4 }))).toBe(JSON.stringify(modelRegistry({ seed: 4 })));
    expect(modelRegistry({ seed: 4 }).workload?.script).not.toEqual(modelRegistry({ seed: 5 }).workload?.script);
  });

  it("has reads of every operation, most of them from serving nodes and dashboards", () => {
    const rows = byOp(stalenessByOperation(simulate(modelRegistry()).history));
    expect(Object.keys(rows).sort()).toEqual([...REGISTRY_OPERATIONS].sort());
    const total = Object.values(rows).reduce((s, r) => s + r.reads, 0);
    expect((rows["serve-model"].reads + rows["list-versions"].reads) / total).toBeGreaterThan(0.9);
  });

  it("on any follower, breaks the read-backs and, while a follower is slow, the serving limit", () => {
    const rows = byOp(stalenessByOperation(simulate(modelRegistry()).history, LIMITS));
    expect(rows["register-version"].overLimitPct).toBeGreaterThan(0);
    expect(rows["serve-model"].overLimitPct).toBeGreaterThan(0);
    expect(rows["serve-model"].stalenessMsMax).toBeGreaterThan(100);
  });

  it("routes each operation on its own: a policy per operation keeps every limit", () => {
    const routing = { "register-version": readYourWrites(), promote: readYourWrites(), "serve-model": boundedStaleness(50), "read-audit-log": leaderOnly() };
    const rows = byOp(stalenessByOperation(simulate(modelRegistry({ seed: 2, routing })).history, LIMITS));
    for (const op of ["register-version", "promote", "serve-model", "read-audit-log"]) expect(rows[op].overLimitPct).toBe(0);
    expect(rows["serve-model"].leaderSharePct).toBeLessThan(10);
    expect(rows["list-versions"].leaderSharePct).toBe(0);
  });

  it("takes one routing for everything, and no slow follower when told", () => {
    const rows = byOp(stalenessByOperation(simulate(modelRegistry({ routing: anyFollower(), slowFollower: null })).history, LIMITS));
    expect(rows["serve-model"].stalenessMsMax).toBeLessThan(100);
  });

  it("names bad options", () => {
    expect(() => modelRegistry({ routing: { "serve model": leaderOnly() } as never })).toThrow(/routing\["serve model"\]/);
    expect(() => modelRegistry({ servers: -1 })).toThrow(ConfigError);
    expect(() => modelRegistry({ durationMs: 10 })).toThrow(/durationMs: 10/);
    expect(() => modelRegistry({ server: 3 } as never)).toThrow(/did you mean servers\?/);
  });
});

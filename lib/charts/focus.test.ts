import { describe, expect, it } from "vitest";
import { lostWrites, readYourWritesViolations } from "../checkers";
import { exponential } from "../dist";
import { ConfigError } from "../errors";
import { anyFollower } from "../reads";
import { simulate } from "../sim";
import { focusRun, parseFocused, violationDiagram } from "./focus";
import { toSvg } from "./render";

/** A busy run whose clients read their own keys from any follower: many read-your-writes violations. */
function staleRun() {
  return simulate({
    seed: 3,
    followers: 3,
    network: { oneWayMs: exponential({ meanMs: 2 }) },
    workload: { writesPerSec: 800, writes: 2000, clients: 20, keys: 100 },
    reads: { readsPerSec: 1600, routing: anyFollower(), ownKeyShare: 0.8 },
  });
}

describe("focusRun", () => {
  const run = staleRun();
  const violations = readYourWritesViolations(run.history);

  it("keeps the violation's operations, with their ids, and only a few dozen others on the same keys", () => {
    expect(run.history.ops.length).toBeGreaterThan(5000);
    expect(violations.length).toBeGreaterThan(10);
    for (const v of violations.slice(0, 20)) {
      const f = focusRun(run, v, { maxOps: 30 });
      const ids = f.source.history.ops.map((op) => op.id);
      expect(ids.length).toBeLessThanOrEqual(30);
      // The two most relevant operations are always drawn, under their ids in the full run.
      for (const id of v.ops.slice(0, 2)) expect(ids).toContain(id);
      for (const op of f.source.history.ops) expect(op).toEqual(run.history.ops[op.id]);
      expect([...ids].sort((a, b) => a - b)).toEqual(ids);
      // Every kept operation touches one of the violation's keys and lies in the window.
      const keys = new Set(v.ops.map((id) => run.history.ops[id]).flatMap((op) => (op.kind === "write" ? [op.key] : op.observed.map((o) => o.key))));
      for (const op of f.source.history.ops) {
        expect(op.kind === "write" ? keys.has(op.key) : op.observed.some((o) => keys.has(o.key))).toBe(true);
        expect(op.invokeMs).toBeGreaterThanOrEqual(f.fromMs);
        expect(op.invokeMs).toBeLessThanOrEqual(f.toMs);
      }
      expect(f.violation.ops).toEqual(v.ops);
    }
  });

  it("carries each kept write's times, so replication arrows are drawn", () => {
    const v = violations[0];
    const f = focusRun(run, v);
    const writes = f.source.history.ops.filter((op) => op.kind === "write");
    expect(f.source.writes?.count).toBe(writes.length);
    const writeNo = new Map<number, number>();
    for (const op of run.history.ops) if (op.kind === "write") writeNo.set(op.id, writeNo.size);
    writes.forEach((op, k) => {
      const w = writeNo.get(op.id)!;
      expect(f.source.writes!.acceptMs[k]).toBe(run.writes.acceptMs[w]);
      expect(f.source.writes!.receivedMs.map((r) => r[k])).toEqual(run.writes.receivedMs.map((r) => r[w]));
    });
  });

  it("survives JSON, where Infinity is lost, and draws the same diagram afterwards", async () => {
    const f = focusRun(run, violations[0]);
    const back = parseFocused(JSON.parse(JSON.stringify(f)));
    expect(back).toEqual(f);
    const svg = await toSvg(violationDiagram(back));
    expect(svg).toContain("<svg");
    expect(svg).toContain(`#${violations[0].ops[0]} R`);
    expect(svg).toContain("read-your-writes");
  });

  it("reaches the crash that follows a lost write, so the drawing shows why it was lost", () => {
    const crashing = simulate({
      seed: 5,
      followers: 2,
      network: { oneWayMs: exponential({ meanMs: 3 }) },
      workload: { writesPerSec: 2000, writes: 400 },
      failover: { crashLeader: { atMs: 100 } },
    });
    const [lost] = lostWrites(crashing.history);
    expect(lost).toBeDefined();
    const crash = crashing.history.events.find((e) => e.kind === "crash")!;
    const f = focusRun(crashing, lost);
    expect(f.toMs).toBeGreaterThanOrEqual(crash.atMs);
    expect(f.source.history.events).toContainEqual(crash);
  });

  it("rejects a violation that names no operation of the run, saying what is expected", () => {
    expect(() => focusRun(run, { guarantee: "x", ops: [], message: "", atMs: 0 })).toThrow(ConfigError);
    expect(() => focusRun(run, { guarantee: "x", ops: [10_000_000], message: "", atMs: 0 })).toThrow(/ids in run\.history\.ops/);
    expect(() => parseFocused({ nothing: true })).toThrow(/what focusRun returns/);
  });
});

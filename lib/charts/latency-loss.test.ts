import { describe, expect, it } from "vitest";
import { constant, exponential } from "../dist";
import { ConfigError } from "../errors";
import { summarize } from "../metrics";
import { asyncAck, syncAll } from "../policies";
import { simulate, type RunResult } from "../sim";
import { latencyVsLossChart, lossWindowAnyFollower, writeCopies } from "./latency-loss";
import { toSvg } from "./render";

// Four policies x two seeds, shaped like the rows of sweep(..., measure: summarize + lossWindowAnyFollower).
const policies = [
  ["async", 0.5, 0.5, 1.0],
  ["semi-sync", 1.7, 4.9, 0.3],
  ["quorum(2)", 2.9, 7.1, 0.09],
  ["sync-all", 4.4, 9.2, 0],
] as const;
const rows = policies.flatMap(([ack, p50, p99, risk]) =>
  [1, 2].map((seed) => ({
    ack,
    seed,
    commitLatencyMsP50: p50 * (1 + seed / 100),
    commitLatencyMsP99: p99,
    writesAtRiskAnyFollowerMean: risk,
    writesAtRiskMean: ack === "async" ? risk : 0,
    lossWindowMsMean: ack === "async" ? 0.6 : 0,
    lossWindowMsP99: ack === "async" ? 2.5 : 0,
    lossWindowMsMax: ack === "async" ? 4 : 0,
    lossWindowMsAnyFollowerMean: risk,
    lossWindowMsAnyFollowerP99: 6 * risk,
    lossWindowMsAnyFollowerMax: 9 * risk,
    policy: "ignored: sweep names the varied field ack",
  })),
);

type Spec = {
  data: { values: Record<string, unknown>[] };
  params: { name: string; value: unknown; bind: { input: string } }[];
  vconcat: { layer: { mark: { type: string }; encoding: Record<string, { title?: unknown; field?: string; scale?: { type: string } }> }[] }[];
};

function symbolCount(svg: string): number {
  const groups = [...svg.matchAll(/<g class="mark-symbol role-mark[^"]*"[^>]*>(.*?)<\/g>/gs)];
  return groups.reduce((sum, g) => sum + (g[1].match(/<path /g) ?? []).length, 0);
}

describe("latencyVsLossChart", () => {
  it("draws both failovers for every policy, in a row for writes lost and a row for the loss window", async () => {
    const svg = await toSvg(latencyVsLossChart(rows));
    // Per row of panels: a faint mark per run and failover, a large one per policy and failover.
    expect(symbolCount(svg)).toBe(2 * (rows.length * 2 + policies.length * 2));
    expect(svg).toContain("acknowledged writes lost");
    expect(svg).toContain("loss window (ms, p99): how long");
    expect(svg).toContain("commit latency (ms, log scale)");
  });

  it("carries one data row per run and failover rule, with that rule's loss", () => {
    const spec = latencyVsLossChart(rows) as unknown as Spec;
    expect(spec.data.values).toHaveLength(rows.length * 2);
    const quorumSeed1 = spec.data.values.filter((v) => v.policy === "quorum(2)" && v.seed === 1);
    expect(quorumSeed1.map((v) => [v.failover, v.writesLost, v.windowMsP99])).toEqual([
      ["most up-to-date follower", 0, 0],
      ["random follower", 0.09, 6 * 0.09],
    ]);
    expect(spec.data.values[0]).not.toHaveProperty("ack");
  });

  it("titles each loss axis with what it counts", () => {
    const spec = latencyVsLossChart(rows) as unknown as Spec;
    const titles = spec.vconcat.map((panel) => (panel.layer[1].encoding.y.title as string[]).join(" "));
    expect(titles).toEqual([
      "acknowledged writes lost per leader crash (mean over crash moments)",
      "loss window (ms, p99): how long an acknowledged write is missing on the promoted follower",
    ]);
  });

  it("binds a control that switches the latency percentile, starting at p99 unless told", async () => {
    const spec = latencyVsLossChart(rows) as unknown as Spec;
    expect(spec.params[0]).toMatchObject({ name: "latency", value: "p99", bind: { input: "radio" } });
    const p50 = await toSvg(latencyVsLossChart(rows, { latency: "p50" }));
    const p99 = await toSvg(latencyVsLossChart(rows));
    expect(p50).not.toBe(p99);
    expect(() => latencyVsLossChart(rows, { latency: "p90" as never })).toThrow(/latency: "p90" is not allowed/);
  });

  it("splits into one column per value of the facet field", async () => {
    const twoScenarios = [...rows.map((r) => ({ ...r, scenario: "healthy" })), ...rows.map((r) => ({ ...r, scenario: "one slow follower" }))];
    const spec = latencyVsLossChart(twoScenarios, { facetField: "scenario" }) as { vconcat: { facet?: unknown }[] };
    expect(spec.vconcat.every((panel) => panel.facet !== undefined)).toBe(true);
    const svg = await toSvg(spec);
    expect(svg).toContain("one slow follower");
    expect(symbolCount(svg)).toBe(2 * (twoScenarios.length * 2 + 2 * policies.length * 2));
  });

  it("falls back to a symlog latency axis when a latency is 0, which a log axis cannot show", () => {
    const zero = latencyVsLossChart(rows.map((r) => ({ ...r, commitLatencyMsP50: r.ack === "async" ? 0 : r.commitLatencyMsP50 }))) as unknown as Spec;
    expect(zero.vconcat[0].layer[0].encoding.x.scale!.type).toBe("symlog");
    const log = latencyVsLossChart(rows) as unknown as Spec;
    expect(log.vconcat[0].layer[0].encoding.x.scale!.type).toBe("log");
  });

  it("names the row and field when a measure is missing", () => {
    const broken = rows.map((r, i) => (i === 3 ? { ...r, lossWindowMsAnyFollowerP99: undefined } : r));
    expect(() => latencyVsLossChart(broken)).toThrow(ConfigError);
    expect(() => latencyVsLossChart(broken)).toThrow(/rows\[3\]\.lossWindowMsAnyFollowerP99: undefined is not allowed/);
    expect(() => latencyVsLossChart(rows, { policyField: "policyName" })).toThrow(/rows\[0\]\.policyName/);
    expect(() => latencyVsLossChart([])).toThrow(/rows: \[\] is not allowed/);
  });
});

describe("lossWindowAnyFollower", () => {
  // Two writes, two followers; write 1 never acknowledged, so it counts for nothing.
  const tiny = {
    endMs: 100,
    writes: {
      count: 3,
      ackMs: Float64Array.from([10, Infinity, 20]),
      receivedMs: [Float64Array.from([12, 5, 19]), Float64Array.from([30, 6, Infinity])],
    },
  } as unknown as RunResult;

  it("measures, per acknowledged write and follower, how long the write was missing there", () => {
    // Gaps: write 0: 2 and 20 ms; write 2: 0 (received before the ack) and 80 (never: until the end).
    const w = lossWindowAnyFollower(tiny);
    expect(w.lossWindowMsAnyFollowerMean).toBeCloseTo((2 + 20 + 0 + 80) / 4, 12);
    expect(w.lossWindowMsAnyFollowerMax).toBe(80);
    expect(w.lossWindowMsAnyFollowerP99).toBeGreaterThan(20);
  });

  it("is zero under sync-all and never below the best failover's window otherwise", () => {
    const base = { seed: 3, followers: 3, leaderCommitMs: constant(0.5), network: { oneWayMs: exponential({ meanMs: 1 }) }, workload: { writes: 2000 } };
    const sync = lossWindowAnyFollower(simulate({ ...base, ack: syncAll() }));
    expect(sync.lossWindowMsAnyFollowerMax).toBe(0);
    const run = simulate({ ...base, ack: asyncAck() });
    const best = summarize(run);
    const any = lossWindowAnyFollower(run);
    expect(any.lossWindowMsAnyFollowerMean).toBeGreaterThan(best.lossWindowMsMean);
    expect(any.lossWindowMsAnyFollowerMax).toBeGreaterThanOrEqual(best.lossWindowMsMax);
  });
});

describe("writeCopies", () => {
  it("counts the copies of each acknowledged write at its ack and at the end", () => {
    const tiny = {
      writes: {
        count: 3,
        ackMs: Float64Array.from([10, Infinity, 20]),
        receivedMs: [Float64Array.from([12, 5, 19]), Float64Array.from([8, 6, Infinity])],
      },
    } as unknown as RunResult;
    // Write 0: leader + the second follower at its ack, all three later; write 2: leader + the first, and never the second.
    expect(writeCopies(tiny)).toEqual({ copiesAtAckMean: 2, copiesAtAckMin: 2, copiesKeptMean: 2.5 });
  });

  it("gives sync-all every copy at the ack, and async at least one", () => {
    const base = { seed: 5, followers: 3, leaderCommitMs: constant(0.5), workload: { writes: 1000 } };
    expect(writeCopies(simulate({ ...base, ack: syncAll() }))).toEqual({ copiesAtAckMean: 4, copiesAtAckMin: 4, copiesKeptMean: 4 });
    const async = writeCopies(simulate({ ...base, ack: asyncAck() }));
    expect(async.copiesAtAckMin).toBe(1);
    expect(async.copiesAtAckMean).toBeGreaterThan(1);
    expect(async.copiesKeptMean).toBe(4);
  });
});

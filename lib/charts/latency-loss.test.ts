import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors";
import { latencyVsLossChart } from "./latency-loss";
import { toSvg } from "./render";

// Four policies x two seeds, shaped like the rows sweep(..., measure: summarize) returns.
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
    lossWindowMsMean: 0.6,
    lossWindowMsMax: 4,
    policy: "ignored: sweep names the varied field ack",
  })),
);

function symbolCount(svg: string): number {
  const groups = [...svg.matchAll(/<g class="mark-symbol role-mark[^"]*"[^>]*>(.*?)<\/g>/gs)];
  return groups.reduce((sum, g) => sum + (g[1].match(/<path /g) ?? []).length, 0);
}

describe("latencyVsLossChart", () => {
  it("draws a faint mark per seed and percentile plus one mark per policy and percentile", async () => {
    const svg = await toSvg(latencyVsLossChart(rows));
    expect(svg).toContain("commit latency (ms, log scale)");
    expect(symbolCount(svg)).toBe(rows.length * 2 + policies.length * 2);
    expect((svg.match(/<text[^>]*>(async|semi-sync|quorum\(2\)|sync-all)<\/text>/g) ?? []).length).toBeGreaterThanOrEqual(4);
  });

  it("carries only the fields it draws or shows, one data row per run", () => {
    const spec = latencyVsLossChart(rows) as { data: { values: Record<string, unknown>[] } };
    expect(spec.data.values).toHaveLength(rows.length);
    expect(spec.data.values[0]).not.toHaveProperty("policy");
    expect(Object.keys(spec.data.values[0]).sort()).toEqual(
      ["ack", "seed", "commitLatencyMsP50", "commitLatencyMsP99", "writesAtRiskAnyFollowerMean", "writesAtRiskMean", "lossWindowMsMean", "lossWindowMsMax"].sort(),
    );
  });

  it("gives the per-policy marks tooltips with the latency percentiles and every loss measure", () => {
    const spec = latencyVsLossChart(rows) as { layer: { encoding: { tooltip?: { field: string }[] } }[] };
    const tooltipFields = spec.layer.map((l) => (l.encoding.tooltip ?? []).map((t) => t.field));
    const meanTooltip = tooltipFields.find((f) => f.includes("seeds"))!;
    for (const field of ["ack", "commitLatencyMsP50", "commitLatencyMsP99", "writesAtRiskAnyFollowerMean", "writesAtRiskMean", "lossWindowMsMax"]) {
      expect(meanTooltip).toContain(field);
    }
    expect(tooltipFields.find((f) => f.includes("seed"))).toBeDefined();
  });

  it("splits into one panel per value of the facet field", async () => {
    const twoScenarios = [...rows.map((r) => ({ ...r, scenario: "healthy" })), ...rows.map((r) => ({ ...r, scenario: "one slow follower" }))];
    const spec = latencyVsLossChart(twoScenarios, { facetField: "scenario" });
    expect(spec.facet).toBeDefined();
    const svg = await toSvg(spec);
    expect(svg).toContain("one slow follower");
    expect(symbolCount(svg)).toBe(twoScenarios.length * 2 + 2 * policies.length * 2);
  });

  it("plots another loss measure when asked, titling its axis after it", async () => {
    const svg = await toSvg(latencyVsLossChart(rows, { lossField: "lossWindowMsMax" }));
    expect(svg).toContain("loss window, longest (ms)");
  });

  it("falls back to a symlog latency axis when a latency is 0, which a log axis cannot show", () => {
    const spec = latencyVsLossChart(rows.map((r) => ({ ...r, commitLatencyMsP50: r.ack === "async" ? 0 : r.commitLatencyMsP50 }))) as {
      layer: { encoding: { x: { scale: { type: string } } } }[];
    };
    expect(spec.layer[0].encoding.x.scale.type).toBe("symlog");
    const logSpec = latencyVsLossChart(rows) as typeof spec;
    expect(logSpec.layer[0].encoding.x.scale.type).toBe("log");
  });

  it("names the row and field when a metric is missing", () => {
    const broken = rows.map((r, i) => (i === 3 ? { ...r, commitLatencyMsP99: undefined } : r));
    expect(() => latencyVsLossChart(broken)).toThrow(ConfigError);
    expect(() => latencyVsLossChart(broken)).toThrow(/rows\[3\]\.commitLatencyMsP99: undefined is not allowed/);
  });

  it("names the policy field when the rows do not have it", () => {
    expect(() => latencyVsLossChart(rows, { policyField: "policyName" })).toThrow(/rows\[0\]\.policyName/);
  });

  it("rejects an empty list of rows", () => {
    expect(() => latencyVsLossChart([])).toThrow(/rows: \[\] is not allowed/);
  });
});

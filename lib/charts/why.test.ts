import { describe, expect, it } from "vitest";
import { anyFollower } from "../reads";
import { simulate } from "../sim";
import { toSvg } from "./render";
import { readLatencyChart, readsOverTimeChart, readsPerNodeChart, readsPerNodeOverTime, type NodeLoadRow } from "./why";

function marks(svg: string, markClass: string): number {
  const groups = [...svg.matchAll(new RegExp(`<g class="${markClass} role-mark[^"]*"[^>]*>(.*?)</g>`, "gs"))];
  return groups.reduce((sum, g) => sum + (g[1].match(/<path /g) ?? []).length, 0);
}

const crashRun = simulate({
  seed: 3,
  followers: 3,
  workload: { writesPerSec: 500, durationMs: 1000 },
  reads: { readsPerSec: 2000, routing: anyFollower() },
  faults: [{ node: "B", kind: "crash", fromMs: 400, toMs: 700 }],
});

describe("readsPerNodeOverTime", () => {
  it("gives every node a row per full bin, dropping the last partial bin", () => {
    const rows = readsPerNodeOverTime(crashRun, { binMs: 100 });
    const bins = new Set(rows.map((r) => r.tMs));
    expect(rows.length).toBe(bins.size * crashRun.nodes.length);
    expect(Math.max(...bins)).toBeLessThan(crashRun.endMs);
  });

  it("counts no reads on a follower while it is crashed, and some before and after", () => {
    const rows = readsPerNodeOverTime(crashRun, { binMs: 100 });
    const b = (t: number) => rows.find((r) => r.node === "B" && r.tMs === t)!.readsPerSec;
    expect(b(500)).toBe(0);
    expect(b(200)).toBeGreaterThan(0);
    expect(b(800)).toBeGreaterThan(0);
  });

  it("turns counts into rates, so the rates add up to the reads served", () => {
    const rows = readsPerNodeOverTime(crashRun, { binMs: 50 });
    const perSecond = rows.reduce((sum, r) => sum + r.readsPerSec, 0);
    const counted = (perSecond * 50) / 1000;
    const served = Object.values(crashRun.readsServedBy).reduce((a, c) => a + c, 0);
    expect(counted).toBeLessThanOrEqual(served);
    expect(counted).toBeGreaterThan(served * 0.9);
  });

  it("rejects a bin width of zero, naming it", () => {
    expect(() => readsPerNodeOverTime(crashRun, { binMs: 0 })).toThrow(/binMs: 0 is not allowed/);
  });
});

describe("readsOverTimeChart", () => {
  it("draws one area per node and the shaded fault window with its label", async () => {
    const rows = readsPerNodeOverTime(crashRun, { binMs: 100 });
    const spec = readsOverTimeChart(rows, { windows: [{ fromMs: 400, toMs: 700, label: "B crashed" }] });
    const svg = await toSvg(spec);
    expect(marks(svg, "mark-area")).toBe(crashRun.nodes.length);
    expect(marks(svg, "mark-rect")).toBe(1);
    expect(svg).toContain("B crashed");
    expect(svg).toContain("reads served (per second)");
  });

  it("has tooltips naming the node and its rate", () => {
    const spec = readsOverTimeChart(readsPerNodeOverTime(crashRun, { binMs: 100 })) as { layer: { encoding: { tooltip: { field: string }[] } }[] };
    expect(spec.layer[0].encoding.tooltip.map((t) => t.field)).toEqual(["node", "tMs", "readsPerSec"]);
  });

  it("names the window field that is wrong", () => {
    const rows = readsPerNodeOverTime(crashRun, { binMs: 100 });
    expect(() => readsOverTimeChart(rows, { windows: [{ fromMs: 400, toMs: Number.NaN, label: "x" }] })).toThrow(/windows\[0\]\.toMs/);
  });
});

describe("readsPerNodeChart", () => {
  const rows: NodeLoadRow[] = [
    { routing: "leader-only", followers: 0, node: "L", readsPerSec: 6000 },
    { routing: "leader-only", followers: 2, node: "L", readsPerSec: 6000 },
    { routing: "leader-only", followers: 2, node: "A", readsPerSec: 0 },
    { routing: "leader-only", followers: 2, node: "B", readsPerSec: 0 },
    { routing: "any-follower", followers: 0, node: "L", readsPerSec: 6000 },
    { routing: "any-follower", followers: 2, node: "L", readsPerSec: 0 },
    { routing: "any-follower", followers: 2, node: "A", readsPerSec: 3010 },
    { routing: "any-follower", followers: 2, node: "B", readsPerSec: 2990 },
  ];

  it("draws a bar per row in one panel per routing policy, with the capacity line", async () => {
    const spec = readsPerNodeChart(rows, { capacityReadsPerSec: 2500 });
    expect((spec.data as { values: unknown[] }).values).toHaveLength(rows.length);
    const svg = await toSvg(spec);
    expect(marks(svg, "mark-rect")).toBe(rows.length);
    expect(marks(svg, "mark-rule")).toBe(0); // rules are <line>, not <path>
    expect(svg.match(/class="mark-rule role-mark/g)).toHaveLength(2);
    expect(svg).toContain("leader-only");
    expect(svg).toContain("2,500 reads/s");
  });

  it("has a tooltip with routing, cluster size, node and rate", () => {
    const spec = readsPerNodeChart(rows) as { spec: { layer: { encoding: { tooltip: { field: string }[] } }[] } };
    expect(spec.spec.layer[0].encoding.tooltip.map((t) => t.field)).toEqual(["routing", "followers", "node", "readsPerSec"]);
  });

  it("rejects a capacity that is not a positive rate", () => {
    expect(() => readsPerNodeChart(rows, { capacityReadsPerSec: -1 })).toThrow(/capacityReadsPerSec: -1 is not allowed/);
  });
});

describe("readLatencyChart", () => {
  const rows = [
    { setup: "leader far away", readLatencyMsP50: 150, readLatencyMsP99: 160 },
    { setup: "follower nearby", readLatencyMsP50: 4, readLatencyMsP99: 5 },
  ];

  it("draws a bar and a p99 tick per setup, labelled with the p50", async () => {
    const svg = await toSvg(readLatencyChart(rows));
    expect(marks(svg, "mark-rect")).toBe(4); // vega draws ticks as rects too: 2 bars + 2 ticks
    expect(svg).toContain("p50 150.0 ms");
    expect(svg).toContain("follower nearby");
  });

  it("names a missing latency field", () => {
    expect(() => readLatencyChart([{ setup: "x", readLatencyMsP50: 1 } as never])).toThrow(/rows\[0\]\.readLatencyMsP99/);
  });
});

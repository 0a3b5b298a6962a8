import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors";
import { lagSeries } from "../metrics";
import { simulate } from "../sim";
import { freshnessChart, lagChart } from "./lag";
import { toSvg } from "./render";

/** Paths drawn by marks of a class, e.g. "mark-line" (vega draws each line in a group of its own). */
function marks(svg: string, markClass: string): number {
  const groups = [...svg.matchAll(new RegExp(`<g class="${markClass} role-mark[^"]*"[^>]*>(.*?)</g>`, "gs"))];
  return groups.reduce((n, g) => n + (g[1].match(/<path /g) ?? []).length, 0);
}

const run = simulate({ seed: 1, followers: 3, workload: { writesPerSec: 1000, writes: 300 } });
const lagRows = lagSeries(run, { everyMs: 10 });

describe("lagChart", () => {
  it("draws one line per follower", async () => {
    const svg = await toSvg(lagChart(lagRows));
    expect(marks(svg, "mark-line")).toBe(3);
  });

  it("stacks one chart per metric, with both axis titles in units", async () => {
    const svg = await toSvg(lagChart(lagRows, { metrics: ["lagWrites", "lagMs"] }));
    expect(marks(svg, "mark-line")).toBe(6);
    expect(svg).toContain("lag (writes behind)");
    expect(svg).toContain("lag (ms behind)");
    expect(svg).toContain("time (ms)");
  });

  it("shades each window and writes its label", async () => {
    const svg = await toSvg(lagChart(lagRows, { windows: [{ fromMs: 50, toMs: 120, label: "burst" }, { fromMs: 200, toMs: 250, label: "C slow" }] }));
    expect(marks(svg, "mark-rect")).toBe(2);
    expect(svg).toContain(">burst<");
    expect(svg).toContain(">C slow<");
  });

  it("rejects an unknown metric and a row without the metric, naming them", () => {
    expect(() => lagChart(lagRows, { metrics: ["lagSeconds" as "lagMs"] })).toThrow(/metrics/);
    expect(() => lagChart([{ follower: "A", tMs: 0 }])).toThrow(/rows\[0\]\.lagMs/);
    expect(() => lagChart(lagRows, { windows: [{ fromMs: 5, toMs: 1, label: "backwards" }] })).toThrow(ConfigError);
  });
});

describe("freshnessChart", () => {
  const rows = [0, 1, 2, 3].flatMap((tMs) => [
    { tMs, freshShare: 1 - Math.exp(-tMs), series: "async", source: "simulated" },
    { tMs, freshShare: 1 - Math.exp(-tMs), series: "async", source: "closed form" },
    { tMs, freshShare: 1 - (2 / 3) * Math.exp(-tMs), series: "quorum(1)", source: "simulated" },
  ]);

  it("draws simulated rows as dots and other sources as one line per series", async () => {
    const svg = await toSvg(freshnessChart(rows));
    expect(marks(svg, "mark-symbol")).toBe(8);
    expect(marks(svg, "mark-line")).toBe(1);
    expect(svg).toContain("Dots: simulated. Dashed lines: closed form.");
  });

  it("with a control, draws only the rows of the value picked, and binds the others to a slider", async () => {
    const perJitter = [1, 3, 5].flatMap((jitterMs) => rows.map((r) => ({ ...r, jitterMs, freshShare: r.freshShare / jitterMs })));
    const spec = freshnessChart(perJitter, { control: { field: "jitterMs", title: "jitter (ms)", initial: 1 } }) as { params: { value: number; bind: { input: string } }[] };
    expect(spec.params[0]).toMatchObject({ value: 1, bind: { input: "range" } });
    const svg = await toSvg(spec);
    expect(marks(svg, "mark-symbol")).toBe(8);
    expect(svg).toContain("jitter (ms): 1 at first; the control under the chart changes it.");
    expect(await toSvg(freshnessChart(perJitter, { control: { field: "jitterMs", title: "jitter (ms)", initial: 5 } }))).not.toBe(svg);
  });

  it("labels the axes with time in ms and the fresh share in percent", async () => {
    const svg = await toSvg(freshnessChart(rows));
    expect(svg).toContain("time since the write was acknowledged (ms)");
    expect(svg).toContain("100%");
  });

  it("rejects a share above 1", () => {
    expect(() => freshnessChart([{ tMs: 0, freshShare: 60, series: "async", source: "simulated" }])).toThrow(/freshShare/);
  });
});

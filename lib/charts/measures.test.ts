import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors";
import { measuresChart } from "./measures";
import { toSvg } from "./render";

const rows = ["crash", "partition"].flatMap((scenario) =>
  ["monitor", "lease"].map((coordinator) => ({ scenario, coordinator, lost: scenario === "crash" ? 2 : coordinator === "lease" ? 0 : 140, outageMs: coordinator === "lease" && scenario === "partition" ? Infinity : 50 })),
);
const options = {
  choiceField: "coordinator",
  measures: [
    { field: "lost", title: "acked writes lost" },
    { field: "outageMs", title: "outage (ms)" },
  ],
  control: { field: "scenario", title: "fault", initial: "partition" },
};

describe("measuresChart", () => {
  it("draws one panel per measure and one bar per choice, for the situation the control picks", async () => {
    const spec = measuresChart(rows, options) as { hconcat: unknown[]; params: { value: string; bind: { input: string } }[] };
    expect(spec.hconcat).toHaveLength(2);
    expect(spec.params[0]).toMatchObject({ value: "partition", bind: { input: "radio" } });
    const svg = await toSvg(spec);
    expect((svg.match(/<path[^>]*aria-roledescription="bar"/g) ?? []).length).toBe(4);
    expect(svg).toContain("acked writes lost");
    expect(svg).toContain(">140<");
  });

  it("draws a value that never came (Infinity) as a faint full bar labelled never", async () => {
    const svg = await toSvg(measuresChart(rows, options));
    expect(svg).toContain(">never<");
    const spec = measuresChart(rows, options) as { data: { values: Record<string, unknown>[] } };
    expect(spec.data.values.find((v) => v.scenario === "partition" && v.choice === "lease")).toMatchObject({ outageMs: null, outageMsText: "never" });
  });

  it("names bad rows and options", () => {
    expect(() => measuresChart(rows, { ...options, measures: [] })).toThrow(/options.measures/);
    expect(() => measuresChart(rows.map((r) => ({ ...r, lost: -1 })), options)).toThrow(ConfigError);
    expect(() => measuresChart(rows, { ...options, choiceField: "policy" })).toThrow(/rows\[0\]\.policy/);
  });
});

import { afterEach, describe, expect, it, vi } from "vitest";
import { chartBundle, describeChart, show, VEGALITE_MIME } from "./show";

const spec = {
  $schema: "https://vega.github.io/schema/vega-lite/v6.json",
  title: "Commit latency",
  data: { values: [{ x: 1, y: 2 }, { x: 2, y: 3 }] },
  mark: "line",
  encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" } },
};

afterEach(() => vi.restoreAllMocks());

describe("chartBundle", () => {
  it("carries the spec under the vega-lite v5 MIME type that JupyterLab and VS Code draw", async () => {
    const { data } = await chartBundle(spec);
    const sent = data[VEGALITE_MIME] as Record<string, unknown>;
    expect(VEGALITE_MIME).toBe("application/vnd.vegalite.v5+json");
    expect(sent.$schema).toBe("https://vega.github.io/schema/vega-lite/v5.json");
    expect(sent.data).toEqual(spec.data);
    expect(spec.$schema).toContain("v6"); // the caller's spec is not changed
  });

  it("carries a PNG for untrusted notebooks, nbconvert HTML and GitHub, sized in CSS pixels", async () => {
    const { data, metadata } = await chartBundle(spec);
    const png = Buffer.from(data["image/png"] as string, "base64");
    expect(png.subarray(1, 4).toString("ascii")).toBe("PNG");
    const size = metadata["image/png"] as { width: number; height: number };
    expect(png.readUInt32BE(16)).toBe(size.width); // drawn at scale 1: a notebook keeps one per chart
  });

  it("carries no script and no inline SVG, which sanitizers and nbconvert would drop", async () => {
    const { data } = await chartBundle(spec);
    expect(Object.keys(data).sort()).toEqual([VEGALITE_MIME, "image/png", "text/plain"].sort());
  });
});

describe("describeChart", () => {
  it("names the chart by its title, or else by its mark", () => {
    expect(describeChart(spec)).toBe("Chart: Commit latency");
    expect(describeChart({ title: { text: "Lag" }, mark: "line" })).toBe("Chart: Lag");
    expect(describeChart({ mark: { type: "bar" } })).toBe("Chart (bar)");
    expect(describeChart({ layer: [] })).toBe("Chart");
  });
});

describe("show", () => {
  it("prints the chart's description when not running in a notebook", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    await show(spec);
    expect(log).toHaveBeenCalledWith("Chart: Commit latency");
  });

  it("rejects a spec that is not an object before doing any work", async () => {
    await expect(show(null as unknown as Record<string, unknown>)).rejects.toThrow(/spec: null is not allowed/);
  });
});

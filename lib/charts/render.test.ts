import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors";
import { svgToPng, toPng, toSvg, type VegaLiteSpec } from "./render";

const bars: VegaLiteSpec = {
  width: 200,
  height: 100,
  data: { values: [{ a: "A", b: 3 }, { a: "B", b: 5 }, { a: "C", b: 2 }, { a: "D", b: 7 }, { a: "E", b: 4 }] },
  mark: "bar",
  encoding: { x: { field: "a", type: "nominal" }, y: { field: "b", type: "quantitative" } },
};

function marksIn(svg: string, markClass: string): number {
  const group = svg.match(new RegExp(`<g class="${markClass} role-mark[^"]*"[^>]*>(.*?)</g>`, "s"));
  return group ? (group[1].match(/<path /g) ?? []).length : 0;
}

function pngSize(png: Uint8Array): { width: number; height: number } {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

describe("toSvg", () => {
  it("draws one bar per data row", async () => {
    const svg = await toSvg(bars);
    expect(svg.startsWith("<svg")).toBe(true);
    expect(marksIn(svg, "mark-rect")).toBe(5);
  });

  it("draws one point per data row for a point chart", async () => {
    const svg = await toSvg({ ...bars, mark: "point" });
    expect(marksIn(svg, "mark-symbol")).toBe(5);
  });

  it("rejects a spec that is not an object, naming the field", async () => {
    await expect(toSvg([] as unknown as VegaLiteSpec)).rejects.toThrow(ConfigError);
    await expect(toSvg("bar" as unknown as VegaLiteSpec)).rejects.toThrow(/spec: "bar" is not allowed/);
  });
});

describe("toPng", () => {
  it("returns PNG bytes at twice the chart's size by default", async () => {
    const svg = await toSvg(bars);
    const svgWidth = Number(svg.match(/width="(\d+)"/)![1]);
    const png = await toPng(bars);
    expect([...png.slice(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(pngSize(png).width).toBe(svgWidth * 2);
  });

  it("reports the size in CSS pixels whatever the scale", async () => {
    const svg = await toSvg(bars);
    const one = await svgToPng(svg, { scale: 1 });
    const three = await svgToPng(svg, { scale: 3 });
    expect(three.widthPx).toBe(one.widthPx);
    expect(pngSize(three.png).width).toBe(3 * pngSize(one.png).width);
  });

  it("rejects a scale of zero", async () => {
    await expect(svgToPng("<svg/>", { scale: 0 })).rejects.toThrow(/scale: 0 is not allowed/);
  });
});

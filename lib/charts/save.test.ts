import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "../errors";
import { chartHtml, saveChart } from "./save";

const spec = {
  title: "Writes at risk",
  data: { values: [{ t: 1, n: 3 }, { t: 2, n: 1 }, { t: 3, n: 4 }] },
  mark: "point",
  encoding: { x: { field: "t", type: "quantitative" }, y: { field: "n", type: "quantitative" } },
};

let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "charts-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("saveChart", () => {
  it("writes an SVG file with one point per data row", async () => {
    const file = await saveChart(spec, path.join(dir, "chart.svg"));
    const svg = await readFile(file, "utf8");
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg.match(/<g class="mark-symbol role-mark[^>]*>(.*?)<\/g>/s)![1].match(/<path /g)).toHaveLength(3);
  });

  it("writes a PNG file, creating missing folders", async () => {
    const file = await saveChart(spec, path.join(dir, "slides", "deep", "chart.png"));
    const png = await readFile(file);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  });

  it("writes an HTML page that works offline: scripts inlined, a static image until they run", async () => {
    const file = await saveChart(spec, path.join(dir, "chart.html"));
    const html = await readFile(file, "utf8");
    expect(html).toContain('<img alt="Chart: Writes at risk" src="data:image/svg+xml;base64,');
    expect(html).toContain('vegaEmbed("#chart", {"title":"Writes at risk"');
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).not.toMatch(/<link[^>]+href="https?:/);
    expect(html.length).toBeGreaterThan(500_000); // vega, vega-lite and vega-embed are inside
  });

  it("rejects a file name without a known extension", async () => {
    await expect(saveChart(spec, path.join(dir, "chart.jpg"))).rejects.toThrow(ConfigError);
    await expect(saveChart(spec, path.join(dir, "chart"))).rejects.toThrow(/must end in .svg, .png or .html/);
  });
});

describe("chartHtml", () => {
  it("keeps a spec containing </script> from ending the script early", async () => {
    const html = await chartHtml({ ...spec, title: "</script><b>x</b>" });
    expect(html).not.toContain("</script><b>");
    expect(html).toContain("\\u003c/script>\\u003cb>");
  });
});

/**
 * Saving a chart to a file for slides or a report: SVG, PNG, or a self-contained HTML page that
 * draws the interactive chart offline (vega, vega-lite and vega-embed inlined, no CDN).
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import * as path from "node:path";
import { ConfigError } from "../errors";
import { checkSpec, svgToPng, toSvg, type ImageOptions, type VegaLiteSpec } from "./render";
import { describeChart } from "./show";

const browserBuilds = [
  ["vega", "vega.min.js"],
  ["vega-lite", "vega-lite.min.js"],
  ["vega-embed", "vega-embed.min.js"],
] as const;

// Each package's entry point sits in its build/ folder, next to the browser build. Resolving
// from the library bundle (dist/) finds the project's node_modules wherever the caller runs.
function resolveBuild(pkg: string, file: string): string {
  const anchor = typeof __filename === "string" ? __filename : path.join(process.cwd(), "index.js");
  const entry = createRequire(anchor).resolve(pkg);
  return path.join(path.dirname(entry), file);
}

// Inline scripts end at the first "</script"; the escaped form means the same inside JS.
function inlineScript(js: string): string {
  return `<script>${js.replace(/<\/script/gi, "<\\/script")}</script>`;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/**
 * A standalone HTML page that draws the chart interactively, offline. Until (or unless) scripts
 * run, it shows the chart as a static SVG image.
 */
export async function chartHtml(spec: VegaLiteSpec): Promise<string> {
  checkSpec(spec);
  const title = describeChart(spec);
  const svg = await toSvg(spec);
  const scripts = await Promise.all(browserBuilds.map(([pkg, file]) => readFile(resolveBuild(pkg, file), "utf8")));
  const specJson = JSON.stringify(spec).replace(/</g, "\\u003c");
  return [
    "<!DOCTYPE html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    `<title>${escapeHtml(title)}</title>`,
    "<style>body { font-family: sans-serif; margin: 24px; }</style>",
    "</head>",
    "<body>",
    `<div id="chart"><img alt="${escapeHtml(title)}" src="data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}"></div>`,
    ...scripts.map(inlineScript),
    inlineScript(
      `vegaEmbed("#chart", ${specJson}, { renderer: "svg", actions: { export: true, source: false, compiled: false, editor: false } })` +
        `.catch(function (err) { console.error(err); });`,
    ),
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

/**
 * Saves a chart as `.svg`, `.png` or `.html` (chosen by the file's extension) and returns the
 * absolute path written. Folders on the way are created.
 */
export async function saveChart(spec: VegaLiteSpec, file: string, options: ImageOptions = {}): Promise<string> {
  checkSpec(spec);
  const extension = path.extname(file).toLowerCase();
  let content: string | Uint8Array;
  if (extension === ".svg") content = await toSvg(spec);
  else if (extension === ".png") content = (await svgToPng(await toSvg(spec), options)).png;
  else if (extension === ".html" || extension === ".htm") content = await chartHtml(spec);
  else throw new ConfigError("file", file, "its name must end in .svg, .png or .html");
  const target = path.resolve(file);
  await mkdir(path.dirname(target), { recursive: true });
  await writeFile(target, content);
  return target;
}

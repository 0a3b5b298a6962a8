/**
 * Showing a chart in a notebook so that it renders everywhere, with nothing fetched from a CDN.
 *
 * One output carries two forms of the chart; each front end picks the one it can draw:
 * - `application/vnd.vegalite.v5+json`, the standard vega-lite MIME type: JupyterLab and VS Code
 *   draw it interactively, and so does classic Notebook 6 through the project's nbextension
 *   (jupyter/nbextensions/replication-lab). Version 5 is the newest these front ends accept.
 * - `image/png`, drawn here: untrusted notebooks, `jupyter nbconvert --to html` and GitHub's
 *   preview show it. (Inline SVG would be emptied by nbconvert and sanitizers; a PNG survives.)
 * The output holds no JavaScript, so notebooks with many charts stay small.
 */
import { displayBundle, inNotebook, type MimeBundle } from "../display";
import { checkSpec, svgToPng, toSvg, type ImageOptions, type VegaLiteSpec } from "./render";

export const VEGALITE_MIME = "application/vnd.vegalite.v5+json";
const VEGALITE_V5_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";

/** `scale` defaults to 1 here: the PNG is only the fallback, and a notebook stores one per chart. */
export interface ShowOptions extends ImageOptions {
  /** Text shown where no image can be (a terminal, a plain-text export). Default: the title. */
  text?: string;
}

/** A one-line description of a chart: its title, or its mark type. */
export function describeChart(spec: VegaLiteSpec): string {
  const title = spec.title;
  const titleText = typeof title === "string" ? title : typeof title === "object" && title !== null ? (title as { text?: unknown }).text : undefined;
  if (typeof titleText === "string" && titleText !== "") return `Chart: ${titleText}`;
  if (Array.isArray(titleText)) return `Chart: ${titleText.join(" ")}`;
  const mark = spec.mark;
  const markType = typeof mark === "string" ? mark : typeof mark === "object" && mark !== null ? (mark as { type?: unknown }).type : undefined;
  return typeof markType === "string" ? `Chart (${markType})` : "Chart";
}

/** The MIME bundle and metadata show() sends: vega-lite spec, PNG and text. */
export async function chartBundle(
  spec: VegaLiteSpec,
  options: ShowOptions = {},
): Promise<{ data: MimeBundle; metadata: Record<string, unknown> }> {
  checkSpec(spec);
  const image = await svgToPng(await toSvg(spec), { scale: options.scale ?? 1 });
  return {
    data: {
      // Front ends that accept only v5 check $schema; the specs used here are valid in both.
      [VEGALITE_MIME]: { ...spec, $schema: VEGALITE_V5_SCHEMA },
      "image/png": Buffer.from(image.png).toString("base64"),
      "text/plain": options.text ?? describeChart(spec),
    },
    // Shown at the chart's own size whatever the scale it was drawn at.
    metadata: { "image/png": { width: image.widthPx, height: image.heightPx } },
  };
}

/**
 * Shows a vega-lite chart below the cell: `await show(spec)`.
 * Outside a notebook (a script, a test) it prints the chart's one-line description instead.
 */
export async function show(spec: VegaLiteSpec, options: ShowOptions = {}): Promise<void> {
  checkSpec(spec);
  if (!inNotebook()) {
    console.log(options.text ?? describeChart(spec));
    return;
  }
  const { data, metadata } = await chartBundle(spec, options);
  displayBundle(data, metadata);
}

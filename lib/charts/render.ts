/**
 * Server-side chart rendering: a vega-lite spec to SVG text or PNG bytes, with no browser.
 *
 * vega 6 and vega-lite 6 are ES modules with top-level await: `require()` cannot load them, and
 * the library runs as a CommonJS bundle inside the notebook kernel. A real dynamic `import()`
 * works there, so they are loaded lazily on first use. Passing the module name through a variable
 * keeps the notebook kernel's older TypeScript from looking for their type declarations.
 */
import { ConfigError } from "../errors";

/** A vega-lite specification (https://vega.github.io/vega-lite/docs/spec.html). */
export type VegaLiteSpec = { [key: string]: unknown };

/** Options for the static images. */
export interface ImageOptions {
  /** Pixel density of PNG output: 2 (the default) is sharp on high-resolution screens and
   *  projectors; 1 makes files about half the size. */
  scale?: number;
}

interface VegaView {
  toSVG(scale?: number): Promise<string>;
  finalize(): void;
}
interface VegaModule {
  parse(spec: unknown): unknown;
  View: new (runtime: unknown, options: { renderer: "none" }) => VegaView;
}
interface VegaLiteModule {
  compile(spec: unknown): { spec: unknown };
}
interface ResvgModule {
  Resvg: new (
    svg: string,
    options: {
      fitTo?: { mode: "zoom"; value: number };
      font?: { loadSystemFonts?: boolean; defaultFontFamily?: string; sansSerifFamily?: string };
      background?: string;
    },
  ) => { render(): { asPng(): Uint8Array; width: number; height: number } };
}

const importModule = (name: string): Promise<unknown> => import(name);

let vegaModules: Promise<{ vega: VegaModule; vegaLite: VegaLiteModule }> | undefined;

function loadVega(): Promise<{ vega: VegaModule; vegaLite: VegaLiteModule }> {
  vegaModules ??= Promise.all([importModule("vega"), importModule("vega-lite")]).then(([vega, vegaLite]) => ({
    vega: vega as VegaModule,
    vegaLite: vegaLite as VegaLiteModule,
  }));
  return vegaModules;
}

async function loadResvg(): Promise<ResvgModule> {
  const mod = (await importModule("@resvg/resvg-js")) as Partial<ResvgModule> & { default?: ResvgModule };
  return mod.Resvg ? (mod as ResvgModule) : (mod.default as ResvgModule);
}

/** Throws a ConfigError unless `spec` looks like a vega-lite spec (a plain object). */
export function checkSpec(spec: unknown, field = "spec"): VegaLiteSpec {
  if (typeof spec !== "object" || spec === null || Array.isArray(spec)) {
    throw new ConfigError(field, spec, "it must be a vega-lite spec object, e.g. { mark: \"line\", data: {...}, encoding: {...} }");
  }
  return spec as VegaLiteSpec;
}

/** Renders a vega-lite spec to SVG text (marks as <path>, axes and labels as <text>). */
export async function toSvg(spec: VegaLiteSpec): Promise<string> {
  checkSpec(spec);
  const { vega, vegaLite } = await loadVega();
  const compiled = vegaLite.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** A rendered PNG with its size in CSS pixels (the image itself is `scale` times larger). */
export interface PngImage {
  png: Uint8Array;
  widthPx: number;
  heightPx: number;
}

/** Renders SVG text to PNG. Sans-serif text uses DejaVu Sans, which setup installs, so images
 *  come out the same on every machine. */
export async function svgToPng(svg: string, options: ImageOptions = {}): Promise<PngImage> {
  const scale = options.scale ?? 2;
  if (!(typeof scale === "number" && scale > 0 && scale <= 8)) {
    throw new ConfigError("scale", scale, "it must be a number above 0 and at most 8");
  }
  const { Resvg } = await loadResvg();
  const rendered = new Resvg(svg, {
    fitTo: { mode: "zoom", value: scale },
    font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans", sansSerifFamily: "DejaVu Sans" },
    background: "white",
  }).render();
  return {
    png: rendered.asPng(),
    widthPx: Math.round(rendered.width / scale),
    heightPx: Math.round(rendered.height / scale),
  };
}

/** Renders a vega-lite spec to PNG bytes. */
export async function toPng(spec: VegaLiteSpec, options: ImageOptions = {}): Promise<Uint8Array> {
  return (await svgToPng(await toSvg(spec), options)).png;
}

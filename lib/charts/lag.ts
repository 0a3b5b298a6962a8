/**
 * Charts of replication lag: how far behind each follower is over time, and how likely a follower
 * read is to be fresh some time after the write was acknowledged.
 */
import { ConfigError } from "../errors";
import type { LagRow } from "../metrics";
import { controlFor, type ControlOption } from "./controls";
import type { VegaLiteSpec } from "./render";
import { checkLabelFields, checkNumberFields, checkRowList, distinctValues, pickFields, type ChartRow } from "./rows";

/** A shaded stretch of time on a lag chart, e.g. a burst of writes or a slow follower. */
export interface TimeWindow {
  fromMs: number;
  toMs: number;
  /** Written at the top of the shaded band. */
  label: string;
}

export type LagMetric = "lagMs" | "lagWrites";

const LAG_TITLES: Record<LagMetric, string> = {
  // Short: a y-axis title longer than the chart is tall pushes stacked charts apart.
  lagMs: "lag (ms behind)",
  lagWrites: "lag (writes behind)",
};

export interface LagChartOptions {
  /** What to plot upwards; two metrics give two charts stacked, sharing the time axis. Default ["lagMs"]. */
  metrics?: LagMetric[];
  /** Stretches of time to shade, e.g. `[{ fromMs: 200, toMs: 400, label: "burst" }]`. */
  windows?: TimeWindow[];
  title?: string;
  /** Size of one chart in pixels. Default 560 x 200. */
  width?: number;
  height?: number;
}

/**
 * Replication lag over time, one line per follower, from `lagSeries(run, { everyMs })`.
 * Shaded windows mark what caused the lag (a burst, a slow follower).
 *
 * @example
 * await show(lagChart(lagSeries(run, { everyMs: 5 }), { metrics: ["lagWrites", "lagMs"], windows: [{ fromMs: 200, toMs: 400, label: "burst" }] }));
 */
export function lagChart(rows: readonly LagRow[] | ChartRow[], options: LagChartOptions = {}): VegaLiteSpec {
  const list = checkRowList(rows);
  const metrics = options.metrics ?? ["lagMs"];
  if (!Array.isArray(metrics) || metrics.length === 0 || metrics.some((m) => !(m in LAG_TITLES))) {
    throw new ConfigError("metrics", metrics, 'it must list "lagMs", "lagWrites" or both');
  }
  checkLabelFields(list, ["follower"]);
  checkNumberFields(list, ["tMs", ...metrics]);
  const windows = checkWindows(options.windows ?? []);
  const { width, height } = checkSize(options.width ?? 560, options.height ?? 200);
  const followers = distinctValues(list, "follower");
  const tMax = Math.max(...list.map((r) => r.tMs as number));
  const x = { field: "tMs", type: "quantitative", title: "time (ms)", scale: { domain: [0, tMax], nice: false } };

  const chartFor = (metric: LagMetric, last: boolean) => {
    const y = { field: metric, type: "quantitative", title: LAG_TITLES[metric] };
    const lines = {
      mark: { type: "line", strokeWidth: 1.5, interpolate: "step-after" },
      encoding: {
        x: last ? x : { ...x, title: null },
        y,
        color: { field: "follower", type: "nominal", title: "follower", scale: { domain: followers } },
        tooltip: [
          { field: "follower", type: "nominal" },
          { field: "tMs", type: "quantitative", title: "time (ms)", format: ".0f" },
          { field: metric, type: "quantitative", title: LAG_TITLES[metric], format: ".1f" },
        ],
      },
    };
    const layer: unknown[] = [];
    if (windows.length > 0) layer.push(...windowLayers(windows, last ? x.title : null));
    layer.push(lines);
    return { width, height, data: { values: pickFields(list, ["follower", "tMs", metric]) }, layer };
  };

  const title = { text: options.title ?? "Replication lag per follower over time", anchor: "start" };
  if (metrics.length === 1) return { $schema: SCHEMA, title, ...chartFor(metrics[0], true) };
  return { $schema: SCHEMA, title, vconcat: metrics.map((m, i) => chartFor(m, i === metrics.length - 1)), spacing: 12 };
}

/** One point of a freshness curve: `freshnessAt` rows plus the line they belong to. */
export interface FreshnessPoint {
  tMs: number;
  /** Share of follower reads that see the write, 0 to 1. */
  freshShare: number;
  /** The line's colour, e.g. the ack policy. */
  series: string;
  /** "simulated" (dots) or another source such as "closed form" (dashed line). */
  source: string;
}

export interface FreshnessChartOptions {
  title?: string;
  /** Lines under the title, e.g. the formula drawn dashed. */
  subtitle?: string | string[];
  /** Title of the colour legend. Default "ack policy". */
  seriesTitle?: string;
  /** A control under the chart that picks the rows with one value of this field (precomputed runs, e.g. per jitter). */
  control?: ControlOption;
  /** Size in pixels. Default 520 x 260. */
  width?: number;
  height?: number;
}

/**
 * The chance that a follower read sees a write, against the time since the write was
 * acknowledged (a PBS-style curve). Rows: `{ tMs, freshShare, series, source }`, where `series`
 * names the colour (e.g. the ack policy) and `source` says where the number came from: rows with
 * source "simulated" are drawn as dots, any other source (e.g. "closed form") as a dashed line,
 * so a formula can be laid over the simulation and still be told apart where they agree.
 */
export function freshnessChart(rows: readonly FreshnessPoint[] | ChartRow[], options: FreshnessChartOptions = {}): VegaLiteSpec {
  const list = checkRowList(rows);
  checkNumberFields(list, ["tMs", "freshShare"]);
  checkLabelFields(list, ["series", "source"]);
  list.forEach((r, i) => {
    if ((r.freshShare as number) > 1) throw new ConfigError(`rows[${i}].freshShare`, r.freshShare, "it must be a share from 0 to 1");
  });
  const { width, height } = checkSize(options.width ?? 520, options.height ?? 260);
  const seriesTitle = options.seriesTitle ?? "ack policy";
  const encoding = {
    x: { field: "tMs", type: "quantitative", title: "time since the write was acknowledged (ms)" },
    y: { field: "freshShare", type: "quantitative", title: "follower reads that see the write", axis: { format: "%" }, scale: { domain: [0, 1] } },
    color: { field: "series", type: "nominal", title: seriesTitle, scale: { domain: distinctValues(list, "series") } },
    tooltip: [
      { field: "series", type: "nominal", title: seriesTitle },
      { field: "source", type: "nominal", title: "from" },
      { field: "tMs", type: "quantitative", title: "time since ack (ms)", format: ".2f" },
      { field: "freshShare", type: "quantitative", title: "fresh", format: ".1%" },
    ],
  };
  const control = options.control ? controlFor(list, options.control, "pick") : undefined;
  const picked = control ? [control.filter] : [];
  const hasSimulated = list.some((r) => r.source === "simulated");
  const hasOther = list.some((r) => r.source !== "simulated");
  const layer: unknown[] = [];
  if (hasOther) {
    layer.push({
      transform: [...picked, { filter: "datum.source !== 'simulated'" }],
      mark: { type: "line", strokeWidth: 1.5, strokeDash: [5, 4] },
      encoding,
    });
  }
  if (hasSimulated) {
    layer.push({
      transform: [...picked, { filter: "datum.source === 'simulated'" }],
      mark: { type: "point", filled: true, size: 30, opacity: 0.9 },
      encoding,
    });
  }
  const legend = hasSimulated && hasOther ? `Dots: simulated. Dashed lines: ${distinctValues(list.filter((r) => r.source !== "simulated"), "source").join(", ")}.` : undefined;
  const shown =
    control && options.control
      ? `${options.control.title}: ${control.initial}${"bind" in control.param ? " at first; the control under the chart changes it" : ""}.`
      : undefined;
  const subtitle = [
    ...(options.subtitle === undefined ? [] : Array.isArray(options.subtitle) ? options.subtitle : [options.subtitle]),
    ...(legend ? [legend] : []),
    ...(shown ? [shown] : []),
  ];
  return {
    $schema: SCHEMA,
    title: { text: options.title ?? "How likely a follower read is fresh, by time since the ack", ...(subtitle.length ? { subtitle } : {}), anchor: "start" },
    width,
    height,
    data: { values: pickFields(list, ["tMs", "freshShare", "series", "source", ...(options.control ? [options.control.field] : [])]) },
    ...(control ? { params: [control.param] } : {}),
    layer,
  };
}

// ------------------------------------------------------------------------------------------------

const SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";

export function checkWindows(windows: TimeWindow[]): TimeWindow[] {
  if (!Array.isArray(windows)) throw new ConfigError("windows", windows, "it must be a list of { fromMs, toMs, label }");
  windows.forEach((w, i) => {
    if (typeof w !== "object" || w === null || !(w.fromMs >= 0) || !(w.toMs >= w.fromMs) || typeof w.label !== "string") {
      throw new ConfigError(`windows[${i}]`, w, "it must be { fromMs, toMs, label } with 0 <= fromMs <= toMs");
    }
  });
  return windows;
}

function checkSize(width: number, height: number): { width: number; height: number } {
  for (const [name, value] of [["width", width], ["height", height]] as const) {
    if (!(value >= 50 && value <= 4000)) throw new ConfigError(name, value, "it must be a size in pixels from 50 to 4000");
  }
  return { width, height };
}

/** A grey band per window with its label along the top. */
export function windowLayers(windows: TimeWindow[], xTitle: string | null): unknown[] {
  const data = { values: windows.map((w) => ({ fromMs: w.fromMs, toMs: w.toMs, label: w.label })) };
  return [
    {
      data,
      mark: { type: "rect", color: "#999", opacity: 0.15 },
      // The same axis title as the lines', or vega-lite would join the field names into one.
      encoding: { x: { field: "fromMs", type: "quantitative", title: xTitle }, x2: { field: "toMs" } },
    },
    {
      data,
      mark: { type: "text", align: "left", baseline: "top", dx: 3, dy: 3, fontSize: 11, color: "#555" },
      encoding: { x: { field: "fromMs", type: "quantitative", title: xTitle }, y: { value: 0 }, text: { field: "label", type: "nominal" } },
    },
  ];
}

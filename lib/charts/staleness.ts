/**
 * Staleness over time for one kind of read under several routings, one routing shown at a time
 * (a drop-down switches): the stalest read in each time bin against the staleness that kind of
 * read tolerates, and below it the share of those reads the leader had to serve.
 */
import { ConfigError } from "../errors";
import type { StalenessBin } from "../staleness";
import { controlFor } from "./controls";
import { checkWindows, windowLayers, type TimeWindow } from "./lag";
import type { VegaLiteSpec } from "./render";
import { checkLabelFields, checkNumberFields, checkRowList, distinctValues, type ChartRow } from "./rows";

export interface StalenessTimelineOptions {
  title?: string;
  /** The staleness this kind of read tolerates, ms: drawn as a red line. */
  limitMs?: number;
  /** Stretches of time to shade, e.g. a slow follower. */
  windows?: TimeWindow[];
  /** The routing shown first. Default: the rows' first. */
  routing?: string;
  /** Size of the upper panel, px. Default 560 x 180 (the lower one is a third as tall). */
  width?: number;
  height?: number;
}

/**
 * @param rows `stalenessOverTime` bins, each with a `routing` field naming the run it came from.
 * @example
 * await show(stalenessTimelineChart(rows, { limitMs: 100, windows: [{ fromMs: 600, toMs: 1400, label: "C slow" }] }));
 */
export function stalenessTimelineChart(rows: readonly (StalenessBin & { routing: string })[] | ChartRow[], options: StalenessTimelineOptions = {}): VegaLiteSpec {
  const list = checkRowList(rows);
  checkLabelFields(list, ["routing"]);
  checkNumberFields(list, ["tMs", "reads", "stalenessMsMax", "leaderReads"]);
  const routings = distinctValues(list, "routing") as string[];
  const routing = options.routing ?? routings[0];
  if (!routings.includes(routing)) throw new ConfigError("routing", routing, `it must be one of the rows' routings: ${routings.join(", ")}`);
  const control = controlFor(list, { field: "routing", title: "routing", initial: routing }, "routing");
  const windows = checkWindows(options.windows ?? []);
  const limit = options.limitMs;
  if (limit !== undefined && !(typeof limit === "number" && limit >= 0)) throw new ConfigError("limitMs", limit, "it must be a number of ms >= 0");
  const width = options.width ?? 560;
  const height = options.height ?? 180;
  const binMs = Math.min(...list.filter((r) => (r.tMs as number) > 0).map((r) => r.tMs as number));
  const tMax = Math.max(...list.map((r) => r.tMs as number)) + (Number.isFinite(binMs) ? binMs : 0);
  const x = { field: "tMs", type: "quantitative", title: "time (ms)", scale: { domain: [0, tMax], nice: false } };
  const values = list.map((r) => ({
    routing: r.routing,
    tMs: r.tMs,
    reads: r.reads,
    stalenessMsMax: r.stalenessMsMax,
    leaderPct: Math.round((1000 * (r.leaderReads as number)) / Math.max(1, r.reads as number)) / 10,
  }));
  const yTop = Math.max(limit ?? 0, ...values.map((v) => v.stalenessMsMax as number)) * 1.1 || 1;
  const tooltip = [
    { field: "routing", type: "nominal" },
    { field: "tMs", type: "quantitative", title: "bin from (ms)" },
    { field: "reads", type: "quantitative", title: "reads in the bin" },
    { field: "stalenessMsMax", type: "quantitative", title: "stalest read (ms)", format: ".1f" },
    { field: "leaderPct", type: "quantitative", title: "served by the leader (%)" },
  ];
  const pick = control.filter;
  const upper = {
    width,
    height,
    layer: [
      ...windowLayers(windows, null),
      {
        transform: [pick],
        mark: { type: "line", interpolate: "step-after", strokeWidth: 1.5, color: "#4c78a8" },
        encoding: { x: { ...x, title: null }, y: { field: "stalenessMsMax", type: "quantitative", title: ["stalest read in", "each bin (ms)"], scale: { domain: [0, yTop] } }, tooltip },
      },
      ...(limit === undefined
        ? []
        : [
            {
              data: { values: [{ limit, label: `tolerated: ${limit} ms` }] },
              layer: [
                { mark: { type: "rule", color: "#e15759", strokeDash: [6, 3] }, encoding: { y: { field: "limit", type: "quantitative" } } },
                {
                  mark: { type: "text", align: "right", baseline: "bottom", dy: -2, color: "#e15759", fontSize: 11 },
                  encoding: { y: { field: "limit", type: "quantitative" }, x: { value: width }, text: { field: "label" } },
                },
              ],
            },
          ]),
    ],
  };
  const lower = {
    width,
    height: Math.max(50, Math.round(height / 3)),
    transform: [pick],
    mark: { type: "area", interpolate: "step-after", color: "#f58518", opacity: 0.7 },
    encoding: { x, y: { field: "leaderPct", type: "quantitative", title: ["on the", "leader (%)"], scale: { domain: [0, 100] } }, tooltip },
  };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: {
      text: options.title ?? "How stale these reads were over time",
      subtitle: [`Reads routed to ${routing}${"bind" in control.param ? " at first; pick another routing under the chart" : ""}.`],
      anchor: "start",
    },
    data: { values },
    params: [control.param],
    vconcat: [upper, lower],
    spacing: 8,
  };
}

/**
 * Charts for "why replicate": who serves the reads, what happens to them when a follower fails,
 * and how far a read has to travel.
 */
import { ConfigError } from "../errors";
import type { RunResult } from "../sim";
import type { VegaLiteSpec } from "./render";
import { checkLabelFields, checkNumberFields, checkRowList, distinctValues, pickFields, type ChartRow } from "./rows";

const SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";

/** Nodes are coloured the same in every chart: the leader dark grey, followers in the Tableau order. */
const NODE_COLOURS = ["#4c4c4c", "#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2", "#eeca3b", "#b279a2"];

function nodeColour(nodes: (string | number)[]): { domain: (string | number)[]; range: string[] } {
  const ordered = [...nodes].sort((a, b) => (a === "L" ? -1 : b === "L" ? 1 : String(a) < String(b) ? -1 : 1));
  return { domain: ordered, range: ordered.map((_, i) => NODE_COLOURS[i % NODE_COLOURS.length]) };
}

/** One bin of `readsPerNodeOverTime`. */
export interface ReadsOverTimeRow {
  /** Start of the bin, ms. */
  tMs: number;
  node: string;
  /** Reads this node served in the bin, as a rate. */
  readsPerSec: number;
}

/**
 * Reads served per node over time, counted in bins of `binMs` by the time each read was issued:
 * the data for `readsOverTimeChart`. Needs a run recorded with its history (the default).
 */
export function readsPerNodeOverTime(run: RunResult, options: { binMs: number }): ReadsOverTimeRow[] {
  const binMs = options?.binMs;
  if (typeof binMs !== "number" || !(binMs > 0) || !Number.isFinite(binMs)) {
    throw new ConfigError("binMs", binMs, "it must be a bin width in ms > 0, e.g. { binMs: 100 }");
  }
  const counts = new Map<string, number[]>(run.nodes.map((n) => [n, []]));
  let bins = 0;
  for (const op of run.history.ops) {
    if (op.kind !== "read") continue;
    const bin = Math.floor(op.invokeMs / binMs);
    for (const part of op.observed) {
      const perBin = counts.get(part.node);
      if (!perBin) continue;
      perBin[bin] = (perBin[bin] ?? 0) + 1;
    }
    if (bin + 1 > bins) bins = bin + 1;
  }
  // The last bin is usually cut short by the end of the workload: leave it out rather than show a false dip.
  const full = Math.max(0, bins - 1);
  const rows: ReadsOverTimeRow[] = [];
  for (const [node, perBin] of counts) {
    for (let b = 0; b < full; b++) rows.push({ tMs: b * binMs, node, readsPerSec: ((perBin[b] ?? 0) * 1000) / binMs });
  }
  return rows;
}

/** A time window to shade on a timeline, e.g. a follower's crash. */
export interface ShadedWindow {
  fromMs: number;
  toMs: number;
  label: string;
}

/**
 * Stacked areas of the reads each node serves over time. The total height is the read rate the
 * cluster delivers; shaded windows mark faults, so a failed follower's band can be seen to vanish
 * while the others widen to carry its share.
 *
 * @param rows from `readsPerNodeOverTime(run, { binMs })`
 */
export function readsOverTimeChart(rows: ReadsOverTimeRow[], options: { windows?: ShadedWindow[]; title?: string } = {}): VegaLiteSpec {
  const list = checkRowList(rows);
  checkLabelFields(list, ["node"]);
  checkNumberFields(list, ["tMs", "readsPerSec"]);
  const windows = options.windows === undefined ? [] : pickFields(checkRowList(options.windows, "windows"), ["fromMs", "toMs", "label"]);
  checkNumberFields(windows, ["fromMs", "toMs"], "windows");
  checkLabelFields(windows, ["label"], "windows");
  const nodes = distinctValues(list, "node");
  const area = {
    data: { values: pickFields(list, ["tMs", "node", "readsPerSec"]) },
    mark: { type: "area", interpolate: "step-after", opacity: 0.85 },
    encoding: {
      x: { field: "tMs", type: "quantitative", title: "time (ms)" },
      y: { field: "readsPerSec", type: "quantitative", stack: "zero", title: "reads served (per second)" },
      color: { field: "node", type: "nominal", title: "node", scale: nodeColour(nodes) },
      tooltip: [
        { field: "node", type: "nominal", title: "node" },
        { field: "tMs", type: "quantitative", title: "bin starts at (ms)" },
        { field: "readsPerSec", type: "quantitative", title: "reads per second", format: ",.0f" },
      ],
    },
  };
  // Windows go first so that they sit behind the areas instead of tinting them.
  const layers: unknown[] = [];
  if (windows.length > 0) {
    layers.push({
      data: { values: windows },
      mark: { type: "rect", color: "#d62728", opacity: 0.12 },
      encoding: { x: { field: "fromMs", type: "quantitative" }, x2: { field: "toMs" } },
    });
  }
  layers.push(area);
  if (windows.length > 0) {
    layers.push({
      data: { values: windows },
      mark: { type: "text", align: "left", baseline: "top", dx: 4, dy: 4, y: 0, color: "#d62728", fontSize: 12, fontWeight: "bold" },
      encoding: { x: { field: "fromMs", type: "quantitative" }, text: { field: "label", type: "nominal" } },
    });
  }
  return {
    $schema: SCHEMA,
    title: options.title ?? "Reads served per node over time",
    width: 560,
    height: 220,
    layer: layers,
  };
}

/** One bar of `readsPerNodeChart`: the reads one node served in one configuration. */
export interface NodeLoadRow {
  /** The routing policy's name, e.g. "leader-only". */
  routing: string;
  followers: number;
  node: string;
  readsPerSec: number;
}

/**
 * Grouped bars: for each cluster size (x) the read rate each node serves, one panel per routing
 * policy. With `capacityReadsPerSec`, a dashed line marks what one node can serve: bars above it
 * are overloaded nodes.
 */
export function readsPerNodeChart(rows: NodeLoadRow[], options: { capacityReadsPerSec?: number; title?: string } = {}): VegaLiteSpec {
  const list = checkRowList(rows);
  checkLabelFields(list, ["routing", "node"]);
  checkNumberFields(list, ["followers", "readsPerSec"]);
  const capacity = options.capacityReadsPerSec;
  if (capacity !== undefined && !(typeof capacity === "number" && capacity > 0 && Number.isFinite(capacity))) {
    throw new ConfigError("capacityReadsPerSec", capacity, "it must be a read rate > 0 per second");
  }
  const nodes = distinctValues(list, "node");
  const bars = {
    mark: { type: "bar" },
    encoding: {
      x: { field: "followers", type: "ordinal", title: "followers in the cluster", axis: { labelAngle: 0 } },
      xOffset: { field: "node", type: "nominal", scale: { domain: nodeColour(nodes).domain } },
      y: { field: "readsPerSec", type: "quantitative", title: "reads served per node (per second)" },
      color: { field: "node", type: "nominal", title: "node", scale: nodeColour(nodes) },
      tooltip: [
        { field: "routing", type: "nominal", title: "routing" },
        { field: "followers", type: "quantitative", title: "followers" },
        { field: "node", type: "nominal", title: "node" },
        { field: "readsPerSec", type: "quantitative", title: "reads per second", format: ",.0f" },
      ],
    },
  };
  const layer: unknown[] = [bars];
  if (capacity !== undefined) {
    layer.push({
      mark: { type: "rule", strokeDash: [6, 4], color: "#d62728", strokeWidth: 1.5 },
      encoding: { y: { datum: capacity } },
    });
  }
  return {
    $schema: SCHEMA,
    title: {
      text: options.title ?? "Read load per node as followers are added",
      subtitle: capacity === undefined ? [] : [`Dashed line: what one node can serve (${capacity.toLocaleString("en-US")} reads/s); a bar above it is an overloaded node.`],
      anchor: "start",
    },
    data: { values: pickFields(list, ["routing", "followers", "node", "readsPerSec"]) },
    facet: { column: { field: "routing", type: "nominal", title: null, sort: distinctValues(list, "routing") } },
    spec: { width: 260, height: 220, layer },
  };
}

/** One bar of `readLatencyChart`. */
export interface ReadLatencyRow {
  /** Where the read goes, e.g. "leader in Virginia". */
  setup: string;
  readLatencyMsP50: number;
  readLatencyMsP99: number;
}

/**
 * Horizontal bars of read latency per setup: the bar is the p50, a tick marks the p99.
 */
export function readLatencyChart(rows: ReadLatencyRow[], options: { title?: string } = {}): VegaLiteSpec {
  const list = checkRowList(rows);
  checkLabelFields(list, ["setup"]);
  checkNumberFields(list, ["readLatencyMsP50", "readLatencyMsP99"]);
  const y = { field: "setup", type: "nominal", title: null, sort: distinctValues(list, "setup") };
  const tooltip = [
    { field: "setup", type: "nominal", title: "reads go to" },
    { field: "readLatencyMsP50", type: "quantitative", title: "p50 read latency (ms)", format: ".1f" },
    { field: "readLatencyMsP99", type: "quantitative", title: "p99 read latency (ms)", format: ".1f" },
  ];
  return {
    $schema: SCHEMA,
    title: options.title ?? "Read latency seen by the user",
    data: { values: pickFields(list, ["setup", "readLatencyMsP50", "readLatencyMsP99"]) },
    width: 480,
    height: { step: 44 },
    layer: [
      {
        mark: { type: "bar", color: "#4c78a8", height: { band: 0.6 } },
        encoding: { y, x: { field: "readLatencyMsP50", type: "quantitative", title: "read latency (ms): bar p50, tick p99" }, tooltip },
      },
      {
        mark: { type: "tick", color: "#d62728", thickness: 3, size: 30 },
        encoding: { y, x: { field: "readLatencyMsP99", type: "quantitative" }, tooltip },
      },
      {
        transform: [{ calculate: "'p50 ' + format(datum.readLatencyMsP50, '.1f') + ' ms'", as: "label" }],
        mark: { type: "text", align: "left", dx: 8 },
        encoding: { y, x: { field: "readLatencyMsP99", type: "quantitative" }, text: { field: "label", type: "nominal" } },
      },
    ],
  };
}

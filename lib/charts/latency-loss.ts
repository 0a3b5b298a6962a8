/**
 * The workbook's central chart: what each acknowledgement policy costs in commit latency, and what
 * it buys in data-loss exposure.
 */
import { ConfigError } from "../errors";
import type { VegaLiteSpec } from "./render";
import { checkLabelFields, checkNumberFields, checkRowList, distinctValues, pickFields, type ChartRow } from "./rows";

/** Axis titles for the loss measures a Summary carries. */
const LOSS_TITLES: Record<string, string> = {
  writesAtRiskMean: "acked writes at risk, best failover",
  writesAtRiskAnyFollowerMean: "acked writes at risk, random failover",
  writesAtRiskP99: "acked writes at risk, best failover (p99)",
  lossWindowMsMean: "loss window, mean (ms)",
  lossWindowMsP99: "loss window, p99 (ms)",
  lossWindowMsMax: "loss window, longest (ms)",
  stalledWrites: "writes still waiting at the end",
};

/** What each loss measure means, for the chart's subtitle. */
const LOSS_MEANINGS: Record<string, string[]> = {
  writesAtRiskMean: ["Up = more acknowledged writes that no follower has yet, averaged over time:", "what a leader crash at a random moment loses even with the best failover."],
  writesAtRiskAnyFollowerMean: [
    "Up = more acknowledged writes a follower lacks, averaged over time and followers:",
    "what a leader crash at a random moment loses if a random follower takes over.",
  ],
};

const P50 = "commitLatencyMsP50";
const P99 = "commitLatencyMsP99";

/** Tooltip lines for the per-policy means, when the rows carry them. */
const DEFAULT_TOOLTIP_FIELDS = ["writesAtRiskMean", "writesAtRiskAnyFollowerMean", "lossWindowMsMean", "lossWindowMsMax", "stalledWrites"];

export interface LatencyVsLossOptions {
  /** Field naming the policy (colour and label). Default "ack", the field `sweep` fills when it varies `ack`. */
  policyField?: string;
  /** Field plotted upwards. Default "writesAtRiskAnyFollowerMean". */
  lossField?: string;
  /** Title of the loss axis. Default: a description of `lossField`. */
  lossTitle?: string;
  /** Field splitting the chart into side-by-side panels, e.g. "scenario". Default: one panel. */
  facetField?: string;
  /** More numeric fields whose per-policy means the tooltips show. Default: the Summary's loss fields that the rows have. */
  tooltipFields?: string[];
  title?: string;
  /** Size of one panel in pixels. Default 320 x 240. */
  width?: number;
  height?: number;
}

/**
 * A scatter of commit latency (x, log scale) against data-loss exposure (y), one colour per
 * acknowledgement policy: a filled circle at the mean p50, a diamond at the mean p99 joined by a
 * line, and a faint mark per seed so the spread between seeds stays visible. Tooltips give the
 * numbers. Policies towards the lower left would be ideal; none is there.
 *
 * @param rows one row per run, e.g. `sweep({ base, vary: { ack: [...] }, seeds: 5, measure: summarize })`:
 *   each needs the policy field, `commitLatencyMsP50`, `commitLatencyMsP99` and the loss field.
 * @example
 * await show(latencyVsLossChart(rows, { facetField: "scenario" }));
 */
export function latencyVsLossChart(rows: ChartRow[], options: LatencyVsLossOptions = {}): VegaLiteSpec {
  const list = checkRowList(rows);
  const policy = options.policyField ?? "ack";
  const loss = options.lossField ?? "writesAtRiskAnyFollowerMean";
  const facet = options.facetField;
  checkLabelFields(list, facet ? [policy, facet] : [policy]);
  checkNumberFields(list, [P50, P99, loss]);
  const extra = (options.tooltipFields ?? DEFAULT_TOOLTIP_FIELDS.filter((f) => list.every((r) => typeof r[f] === "number"))).filter(
    (f) => f !== loss,
  );
  checkNumberFields(list, extra);
  const width = options.width ?? 320;
  const height = options.height ?? 240;
  for (const [name, value] of [["width", width], ["height", height]] as const) {
    if (!(value >= 50 && value <= 4000)) throw new ConfigError(name, value, "it must be a size in pixels from 50 to 4000");
  }

  const groupBy = facet ? [policy, facet] : [policy];
  const lossTitle = options.lossTitle ?? LOSS_TITLES[loss] ?? loss;
  const latencies = list.flatMap((r) => [r[P50] as number, r[P99] as number]);
  const minLatency = Math.min(...latencies);
  const maxLatency = Math.max(...latencies);
  const maxLoss = Math.max(...list.map((r) => r[loss] as number));
  // A log axis spreads 0.5 ms and 100 ms apart readably; it cannot show 0, so fall back to symlog.
  const xScale =
    minLatency > 0
      ? { type: "log", domain: [minLatency / 1.6, maxLatency * 1.6], nice: false }
      : { type: "symlog", constant: 0.1, domain: [0, maxLatency * 1.6], nice: false };
  // Synchronous policies leave nothing at risk: a symlog axis shows 0 and still spreads 0.1..10.
  const yTop = Math.max(1, maxLoss * 1.3);
  const yScale = { type: "symlog", constant: 0.1, domain: [0, yTop], nice: false };
  const yTicks = [0, 0.1, 0.3, 1, 3, 10, 30, 100, 300, 1000, 3000, 10000].filter((v) => v <= yTop);
  const colour = {
    field: policy,
    type: "nominal",
    title: "ack policy",
    scale: { domain: distinctValues(list, policy) },
    legend: { symbolOpacity: 1 },
  };
  const shape = {
    field: "percentile",
    type: "nominal",
    title: "commit latency",
    scale: { domain: ["p50", "p99"], range: ["circle", "diamond"] },
    legend: { symbolOpacity: 1, symbolFillColor: "#666" },
  };
  const x = { field: "latencyMs", type: "quantitative", title: "commit latency (ms, log scale)", scale: xScale };
  const y = { field: loss, type: "quantitative", title: lossTitle, scale: yScale, axis: { values: yTicks, format: "~g" } };
  const foldPercentiles = [
    { fold: [P50, P99], as: ["percentileField", "latencyMs"] },
    { calculate: `datum.percentileField === '${P50}' ? 'p50' : 'p99'`, as: "percentile" },
  ];
  const means = {
    aggregate: [
      ...[P50, P99, loss, ...extra].map((f) => ({ op: "mean", field: f, as: f })),
      { op: "count", as: "seeds" },
    ],
    groupby: groupBy,
  };
  const number = (field: string, title: string, format = ".3~f") => ({ field, type: "quantitative", title, format });

  const points = (transform: unknown[], mark: Record<string, unknown>, tooltip: unknown[]) => ({
    transform,
    mark: { type: "point", filled: true, ...mark },
    encoding: { x, y, color: colour, shape, tooltip },
  });

  const seedPoints = points(foldPercentiles, { size: 28, opacity: 0.35 }, [
    { field: policy, type: "nominal", title: "policy" },
    { field: "seed", type: "nominal", title: "seed" },
    { field: "percentile", type: "nominal", title: "percentile" },
    number("latencyMs", "commit latency (ms)"),
    number(loss, lossTitle),
  ]);
  const span = {
    transform: [means],
    mark: { type: "rule", strokeWidth: 2, opacity: 0.8 },
    encoding: { x: { ...x, field: P50 }, x2: { field: P99 }, y, color: colour },
  };
  const meanPoints = points([means, ...foldPercentiles], { size: 160, stroke: "white", strokeWidth: 1, opacity: 1 }, [
    { field: policy, type: "nominal", title: "policy" },
    { field: "percentile", type: "nominal", title: "percentile" },
    number("latencyMs", "commit latency, mean over seeds (ms)"),
    number(P50, "p50 commit latency (ms)"),
    number(P99, "p99 commit latency (ms)"),
    number(loss, lossTitle),
    ...extra.map((f) => number(f, LOSS_TITLES[f] ?? f)),
    { field: "seeds", type: "quantitative", title: "seeds" },
  ]);
  const labels = {
    transform: [means],
    mark: { type: "text", align: "left", dx: 9, dy: -9, fontSize: 11 },
    encoding: { x: { ...x, field: P99 }, y, color: colour, text: { field: policy, type: "nominal" } },
  };

  const layered = { width, height, layer: [seedPoints, span, meanPoints, labels] };
  const fields = ["seed", policy, P50, P99, loss, ...extra, ...(facet ? [facet] : [])];
  const base = {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: {
      text: options.title ?? "Commit latency against data-loss exposure, per ack policy",
      subtitle: [
        "Right = slower commits: circle p50, diamond p99 (means over seeds; faint marks are single seeds).",
        ...(LOSS_MEANINGS[loss] ?? [`Up = more ${lossTitle}.`]),
      ],
      anchor: "start",
    },
    data: { values: pickFields(list, fields) },
  };
  if (!facet) return { ...base, ...layered };
  return {
    ...base,
    facet: { column: { field: facet, type: "nominal", title: null, sort: distinctValues(list, facet) } },
    spec: layered,
  };
}

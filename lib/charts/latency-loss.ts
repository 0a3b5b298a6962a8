/**
 * The workbook's central chart: what each acknowledgement policy costs in commit latency, and what
 * a leader crash would cost in acknowledged writes, under the failover the workbook recommends
 * (promote the follower that has received the most) and under a careless one (any follower).
 */
import { ConfigError } from "../errors";
import type { RunResult } from "../sim";
import { quantileBySelect } from "../stats";
import type { VegaLiteSpec } from "./render";
import { checkLabelFields, checkNumberFields, checkRowList, distinctValues, type ChartRow } from "./rows";

/** The loss window under a failover to a random follower; `summarize` gives it for the best one. */
export interface AnyFollowerLossWindow {
  /** Over acknowledged writes and followers: how long the write was acknowledged but not yet on that follower (ms). */
  lossWindowMsAnyFollowerMean: number;
  lossWindowMsAnyFollowerP99: number;
  lossWindowMsAnyFollowerMax: number;
}

/**
 * How long acknowledged writes stayed missing on a follower, over every (write, follower) pair:
 * the loss window when the follower promoted is any one of them. `summarize(run).lossWindowMs*`
 * is the same window when the best follower is promoted (the first to receive each write).
 *
 * @example
 * sweep({ base, vary: { ack: policies }, seeds: 5, measure: (run) => ({ ...summarize(run), ...lossWindowAnyFollower(run) }) })
 */
export function lossWindowAnyFollower(run: RunResult): AnyFollowerLossWindow {
  const w = run.writes;
  const followers = w.receivedMs.length;
  const gaps = new Float64Array(w.count * Math.max(1, followers));
  let k = 0;
  let sum = 0;
  let max = 0;
  for (let i = 0; i < w.count; i++) {
    const ack = w.ackMs[i];
    if (ack === Infinity) continue;
    for (let f = 0; f < followers; f++) {
      // A write a follower never received counts until the run ended, as summarize counts it.
      const gap = Math.max(0, Math.min(w.receivedMs[f][i], run.endMs) - ack);
      gaps[k++] = gap;
      sum += gap;
      if (gap > max) max = gap;
    }
  }
  const all = gaps.subarray(0, k);
  return {
    lossWindowMsAnyFollowerMean: k ? sum / k : 0,
    lossWindowMsAnyFollowerP99: k ? quantileBySelect(all, 0.99) : 0,
    lossWindowMsAnyFollowerMax: max,
  };
}

/** How many copies of its writes a run kept: part of the bill a policy sends to storage. */
export interface WriteCopies {
  /** Per acknowledged write, the copies that existed when its client was told "committed" (the leader's own and every follower that had received it), averaged. */
  copiesAtAckMean: number;
  /** The fewest copies any acknowledged write had at its acknowledgement. */
  copiesAtAckMin: number;
  /** Per acknowledged write, the copies at the end of the run (storage kept), averaged. */
  copiesKeptMean: number;
}

/** Copies of the acknowledged writes when they were acknowledged, and at the end of the run. */
export function writeCopies(run: RunResult): WriteCopies {
  const w = run.writes;
  let atAck = 0;
  let minAtAck = Infinity;
  let kept = 0;
  let acknowledged = 0;
  for (let i = 0; i < w.count; i++) {
    const ack = w.ackMs[i];
    if (ack === Infinity) continue;
    acknowledged++;
    let here = 1;
    let end = 1;
    for (const received of w.receivedMs) {
      if (received[i] <= ack) here++;
      if (received[i] < Infinity) end++;
    }
    atAck += here;
    kept += end;
    if (here < minAtAck) minAtAck = here;
  }
  const n = Math.max(1, acknowledged);
  return { copiesAtAckMean: atAck / n, copiesAtAckMin: acknowledged ? minAtAck : 0, copiesKeptMean: kept / n };
}

/** The two failover rules the chart compares, as they appear in its legend. */
export const BEST_FAILOVER = "most up-to-date follower";
export const RANDOM_FAILOVER = "random follower";

/** Per failover rule: the fields holding writes lost and the loss window (mean, p99, longest). */
const FAILOVER_FIELDS = [
  { failover: BEST_FAILOVER, lost: "writesAtRiskMean", mean: "lossWindowMsMean", p99: "lossWindowMsP99", max: "lossWindowMsMax" },
  {
    failover: RANDOM_FAILOVER,
    lost: "writesAtRiskAnyFollowerMean",
    mean: "lossWindowMsAnyFollowerMean",
    p99: "lossWindowMsAnyFollowerP99",
    max: "lossWindowMsAnyFollowerMax",
  },
] as const;

const P50 = "commitLatencyMsP50";
const P99 = "commitLatencyMsP99";

export interface LatencyVsLossOptions {
  /** Field naming the policy (colour). Default "ack", the field `sweep` fills when it varies `ack`. */
  policyField?: string;
  /** Field splitting the chart into side-by-side panels, e.g. "scenario". Default: one column. */
  facetField?: string;
  /** Commit latency percentile drawn first; a control under the chart switches it. Default "p99". */
  latency?: "p50" | "p99";
  title?: string;
  /** Size of one panel in pixels. Default 300 x 180. */
  width?: number;
  height?: number;
}

/**
 * Commit latency (x, log scale) against what a leader crash at a random moment would cost (y), one
 * colour per acknowledgement policy, in two rows of panels: the acknowledged writes lost, and the
 * loss window in ms (how long an acknowledged write stays missing on the follower that takes
 * over, p99 over writes). Filled marks promote the most up-to-date follower, hollow marks a random
 * one; a thin line joins the two, so what a careless failover adds is the line's length. Faint
 * small marks are single seeds. A radio control switches the latency between p50 and p99, and
 * tooltips give every number.
 *
 * @param rows one row per run with the policy field, `commitLatencyMsP50`, `commitLatencyMsP99`,
 *   the Summary's `writesAtRiskMean`, `writesAtRiskAnyFollowerMean`, `lossWindowMsMean`,
 *   `lossWindowMsP99`, `lossWindowMsMax`, and `lossWindowAnyFollower(run)`'s fields.
 * @example
 * const measure = (run: RunResult) => ({ ...summarize(run), ...lossWindowAnyFollower(run) });
 * await show(latencyVsLossChart(sweep({ base, vary: { ack: policies }, seeds: 5, measure }), { facetField: "scenario" }));
 */
export function latencyVsLossChart(rows: ChartRow[], options: LatencyVsLossOptions = {}): VegaLiteSpec {
  const list = checkRowList(rows);
  const policy = options.policyField ?? "ack";
  const facet = options.facetField;
  checkLabelFields(list, facet ? [policy, facet] : [policy]);
  checkNumberFields(list, [P50, P99, ...FAILOVER_FIELDS.flatMap((f) => [f.lost, f.mean, f.p99, f.max])]);
  const latency = options.latency ?? "p99";
  if (latency !== "p50" && latency !== "p99") throw new ConfigError("latency", latency, 'it must be "p50" or "p99"');
  const width = options.width ?? 300;
  const height = options.height ?? 180;
  for (const [name, value] of [["width", width], ["height", height]] as const) {
    if (!(value >= 50 && value <= 4000)) throw new ConfigError(name, value, "it must be a size in pixels from 50 to 4000");
  }

  // One data row per run and failover rule: the chart compares the rules side by side.
  const values = list.flatMap((r) =>
    FAILOVER_FIELDS.map((f) => ({
      seed: r.seed,
      policy: r[policy],
      ...(facet ? { panel: r[facet] } : {}),
      failover: f.failover,
      p50: r[P50],
      p99: r[P99],
      writesLost: r[f.lost],
      windowMsMean: r[f.mean],
      windowMsP99: r[f.p99],
      windowMsMax: r[f.max],
    })),
  );
  const latencies = list.flatMap((r) => [r[P50] as number, r[P99] as number]);
  const minLatency = Math.min(...latencies);
  const maxLatency = Math.max(...latencies);
  // A log axis spreads 0.5 ms and 100 ms apart readably; it cannot show 0, so fall back to symlog.
  const xScale =
    minLatency > 0
      ? { type: "log", domain: [minLatency / 1.6, maxLatency * 1.6], nice: false }
      : { type: "symlog", constant: 0.1, domain: [0, maxLatency * 1.6], nice: false };
  const policies = distinctValues(list, policy);
  const colour = { field: "policy", type: "nominal", title: "ack policy", scale: { domain: policies }, legend: { symbolOpacity: 1, orient: "right" } };
  // Same field as fill: the two merge into one legend.
  const stroke = { field: "policy", type: "nominal", title: "ack policy", scale: { domain: policies } };
  // vega-lite draws no legend for fill opacity: the subtitle says what filled and hollow mean.
  const fill = { field: "failover", type: "ordinal", sort: [BEST_FAILOVER, RANDOM_FAILOVER], scale: { domain: [BEST_FAILOVER, RANDOM_FAILOVER], range: [1, 0] } };
  const xTicks = [0, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000].filter(
    (t) => t >= xScale.domain[0] && t <= xScale.domain[1],
  );
  const x = { field: "latencyMs", type: "quantitative", title: "commit latency (ms, log scale)", scale: xScale, axis: { values: xTicks, format: ",~r" } };
  const means = {
    aggregate: [
      ...["p50", "p99", "writesLost", "windowMsMean", "windowMsP99", "windowMsMax"].map((f) => ({ op: "mean", field: f, as: f })),
      { op: "count", as: "seeds" },
    ],
    groupby: facet ? ["policy", "failover", "panel"] : ["policy", "failover"],
  };
  const pickLatency = { calculate: "latency === 'p50' ? datum.p50 : datum.p99", as: "latencyMs" };
  const number = (field: string, title: string, format = ".3~f") => ({ field, type: "quantitative", title, format });
  const tooltip = [
    { field: "policy", type: "nominal", title: "ack policy" },
    { field: "failover", type: "nominal", title: "promoted after a crash" },
    number("p50", "commit latency p50 (ms)"),
    number("p99", "commit latency p99 (ms)"),
    number("writesLost", "acked writes lost per crash (mean)"),
    number("windowMsMean", "loss window, mean (ms)"),
    number("windowMsP99", "loss window, p99 (ms)"),
    number("windowMsMax", "loss window, longest (ms)"),
  ];

  // One row of panels per measure of the loss; the y-axis title says exactly what is counted.
  const lossPanel = (field: string, yTitle: string[]) => {
    const top = Math.max(1, ...values.map((v) => v[field as keyof typeof v] as number)) * 1.3;
    const ticks = [0, 0.1, 0.3, 1, 3, 10, 30, 100, 300, 1000, 3000, 10000, 30000].filter((t) => t <= top);
    // Symlog: policies that lose nothing sit on 0, and 0.1 to 100 still spread apart.
    const y = { field, type: "quantitative", title: yTitle, scale: { type: "symlog", constant: 0.1, domain: [0, top], nice: false }, axis: { values: ticks, format: ",~r" } };
    const seedMarks = {
      transform: [pickLatency],
      mark: { type: "point", size: 16, strokeWidth: 1, opacity: 0.35 },
      encoding: { x, y, fill: colour, stroke, fillOpacity: fill, tooltip: [{ field: "seed", type: "nominal", title: "seed" }, ...tooltip] },
    };
    const joins = {
      transform: [means, pickLatency],
      mark: { type: "line", strokeWidth: 1.5, strokeOpacity: 0.7 },
      encoding: { x, y, stroke, detail: { field: "policy" }, order: { field: "failover" } },
    };
    const meanMarks = {
      transform: [means, pickLatency],
      mark: { type: "point", size: 110, strokeWidth: 2, opacity: 1 },
      encoding: { x, y, fill: colour, stroke, fillOpacity: fill, tooltip: [...tooltip, { field: "seeds", type: "quantitative", title: "seeds" }] },
    };
    const layered = { width, height, layer: [joins, meanMarks, seedMarks] };
    if (!facet) return layered;
    return {
      facet: { column: { field: "panel", type: "nominal", title: null, sort: distinctValues(list, facet), header: { labelFontSize: 12, labelFontWeight: "bold" } } },
      spec: layered,
    };
  };

  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: {
      text: options.title ?? "Commit latency against what a leader crash loses, per ack policy",
      subtitle: [
        `Commit latency: ${latency} at first; switch under the chart. Filled marks: the most up-to-date follower takes over`,
        "(the recommended failover); hollow: a random follower does. Means over seeds; faint small marks are single seeds.",
      ],
      anchor: "start",
    },
    data: { values },
    params: [
      {
        name: "latency",
        value: latency,
        bind: { input: "radio", options: ["p50", "p99"], labels: ["median (p50)", "99th percentile (p99)"], name: "commit latency shown: " },
      },
    ],
    vconcat: [
      lossPanel("writesLost", ["acknowledged writes lost", "per leader crash", "(mean over crash moments)"]),
      lossPanel("windowMsP99", ["loss window (ms, p99): how long", "an acknowledged write is missing", "on the promoted follower"]),
    ],
    resolve: { scale: { color: "shared", fill: "shared", stroke: "shared", fillOpacity: "shared" } },
  };
}

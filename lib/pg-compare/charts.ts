/** Charts of the lab beside the simulator. */
import type { VegaLiteSpec } from "../charts";
import type { AgreementRow } from "./agreement";
import type { LatencyComparison } from "./compare";

/**
 * Measured against simulated commit latency, one row per setting: the median as a dot, the 10th to
 * 90th percentile as a line, on a log scale (the settings span 0.1 to 20 ms and more).
 */
export function latencyComparisonChart(rows: LatencyComparison[], options: { title?: string } = {}): VegaLiteSpec {
  const data = rows.flatMap((r) =>
    (["measured", "simulated"] as const).map((source) => {
      const summary = r[source];
      const at = (p: number) => Math.max(0.01, summary.percentilesMs[p] ?? summary.p50Ms);
      return { setting: r.label, source: source === "measured" ? "PostgreSQL" : "simulator", p50Ms: Math.max(0.01, summary.p50Ms), p10Ms: at(10), p90Ms: at(90) };
    }),
  );
  const y = { field: "setting", type: "nominal", sort: rows.map((r) => r.label), title: null, axis: { labelLimit: 360 } };
  const color = { field: "source", type: "nominal", title: null, scale: { domain: ["PostgreSQL", "simulator"], range: ["#336791", "#e45756"] } };
  const x = { type: "quantitative", scale: { type: "log" }, title: "commit latency (ms, log scale): median, 10th–90th percentile" };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: options.title ?? "Commit latency: PostgreSQL measured vs simulated",
    data: { values: data },
    width: 420,
    height: 26 * rows.length,
    encoding: { y, yOffset: { field: "source", type: "nominal" }, color },
    layer: [
      { mark: { type: "rule", strokeWidth: 2 }, encoding: { x: { ...x, field: "p10Ms" }, x2: { field: "p90Ms" } } },
      {
        mark: { type: "point", filled: true, size: 60 },
        encoding: {
          x: { ...x, field: "p50Ms" },
          shape: { field: "source", type: "nominal", title: null },
          tooltip: [{ field: "setting" }, { field: "source" }, { field: "p50Ms", format: ".2f" }, { field: "p90Ms", format: ".2f" }],
        },
      },
    ],
  };
}

/** Where a gap lands on the chart's scale: in units of the gap allowed, within ±3. */
function inAllowedUnits(r: AgreementRow): number {
  if (r.allowed === 0) return r.gap === 0 ? 0 : Math.sign(r.gap) * 3;
  return Math.max(-3, Math.min(3, r.gap / r.allowed));
}

/**
 * How far the simulator is from PostgreSQL on each row (p50: commit latency median; stale: stale
 * reads; lost: lost writes), in units of the gap the targets allow: a bar inside the shaded band
 * (−1 to 1) agrees. Bars to the right: the simulator says more (slower,
 * staler, more lost) than PostgreSQL did.
 */
export function agreementChart(rows: AgreementRow[], options: { title?: string } = {}): VegaLiteSpec {
  const short: Record<AgreementRow["measure"], string> = { "commit latency p50": "p50", "stale reads": "stale", "lost writes": "lost" };
  const data = rows.map((r) => ({
    row: `${short[r.measure]} · ${r.label}`,
    gapInAllowed: inAllowedUnits(r),
    verdict: r.agrees ? "within the target" : "outside it",
    measured: r.unit === "share" ? `${(100 * r.measured).toFixed(1)}%` : `${r.measured.toFixed(2)} ms`,
    simulated: r.unit === "share" ? `${(100 * r.simulated).toFixed(1)}%` : `${r.simulated.toFixed(2)} ms`,
  }));
  const y = { field: "row", type: "nominal", sort: data.map((d) => d.row), title: null, axis: { labelLimit: 560 } };
  const x = { type: "quantitative", scale: { domain: [-3, 3] }, title: "simulator − PostgreSQL, in units of the gap allowed (the band agrees)" };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: options.title ?? "Does the simulator agree with PostgreSQL?",
    width: 360,
    height: 18 * rows.length,
    layer: [
      {
        data: { values: [{ from: -1, to: 1 }] },
        mark: { type: "rect", color: "#e5f5e0" },
        encoding: { x: { ...x, field: "from" }, x2: { field: "to" } },
      },
      {
        data: { values: data },
        mark: { type: "bar", height: 12 },
        encoding: {
          y,
          x: { ...x, field: "gapInAllowed" },
          color: { field: "verdict", type: "nominal", title: null, scale: { domain: ["within the target", "outside it"], range: ["#31a354", "#de2d26"] } },
          tooltip: [{ field: "row" }, { field: "measured", title: "PostgreSQL" }, { field: "simulated", title: "simulator" }],
        },
      },
      { data: { values: [{ at: 0 }] }, mark: { type: "rule", color: "#636363" }, encoding: { x: { ...x, field: "at" } } },
    ],
  };
}

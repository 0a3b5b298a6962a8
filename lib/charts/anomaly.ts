/**
 * An anomaly against time: the share of a scenario's reads that break its guarantee, by how long
 * after the write the read comes, one line per routing policy, with the leader's share of those
 * reads beside it (the price of each fix). Runs are computed ahead for a few replication delays;
 * a control under the chart switches between them without re-running anything.
 */
import { ConfigError, checkInteger } from "../errors";
import { routingName, type ReadRouting } from "../reads";
import { runScenario, type Scenario } from "../scenarios";
import { controlFor } from "./controls";
import type { VegaLiteSpec } from "./render";
import { checkLabelFields, checkNumberFields, checkRowList, distinctValues, type ChartRow } from "./rows";

/** One point of an anomaly curve: one routing, one replication delay, one wait, over all seeds. */
export interface AnomalyRow {
  routing: string;
  /** Mean delay of a replication message to each follower, ms. */
  lagMs: number;
  /** Time from the write's acknowledgement to the read (the scenario's own knob), ms. */
  afterMs: number;
  /** The scenario's own reads (with a purpose), over all seeds. */
  reads: number;
  /** Those that broke the scenario's guarantee. */
  brokenReads: number;
  brokenPct: number;
  /** Share of the keys those reads fetched that the leader served, in %. */
  leaderPct: number;
}

/** What `anomalyCurves` varies. */
export interface AnomalyCurveOptions {
  /** Builds the scenario for one point, e.g. `(k) => profileEdit({ users: 20, reloadAfterMs: k.afterMs, lagMs: k.lagMs, seed: k.seed, routing: k.routing })`. */
  make: (knobs: { afterMs: number; lagMs: number; seed: number; routing: ReadRouting }) => Scenario;
  /** Routings to compare, by the name the legend shows. */
  routings: Record<string, ReadRouting>;
  /** Waits between the write's acknowledgement and the read, ms. */
  afterMs: number[];
  /** Mean delays of a replication message, ms. Default [5]. */
  lagMs?: number[];
  /** Seeds per point (1, 2, …). Default 3. */
  seeds?: number;
}

/** Runs `make` for every routing, delay, wait and seed, and counts the reads that broke its guarantee. */
export function anomalyCurves(o: AnomalyCurveOptions): AnomalyRow[] {
  if (typeof o?.make !== "function") throw new ConfigError("make", o?.make, "it must build a scenario from { afterMs, lagMs, seed, routing }");
  const names = Object.keys(o.routings ?? {});
  if (names.length === 0) throw new ConfigError("routings", o.routings, 'name at least one routing, e.g. { "any follower": anyFollower() }');
  const grid = (field: string, values: unknown) => {
    if (!Array.isArray(values) || values.length === 0 || values.some((v) => typeof v !== "number" || !(v >= 0) || !Number.isFinite(v))) {
      throw new ConfigError(field, values, "it must be a non-empty list of times >= 0 ms");
    }
    return values as number[];
  };
  const afters = grid("afterMs", o.afterMs);
  const lags = grid("lagMs", o.lagMs ?? [5]);
  const seeds = checkInteger("seeds", o.seeds ?? 3, 1, 1000);
  const rows: AnomalyRow[] = [];
  for (const name of names) {
    const routing = o.routings[name];
    for (const lagMs of lags) {
      for (const afterMs of afters) {
        let reads = 0;
        let broken = 0;
        let keys = 0;
        let byLeader = 0;
        for (let seed = 1; seed <= seeds; seed++) {
          const { run, violations } = runScenario(o.make({ afterMs, lagMs, seed, routing }));
          const leader = run.history.finalLeader ?? "L";
          const own = new Set<number>();
          for (const op of run.history.ops) {
            // The story's reads carry a purpose; the background's do not.
            if (op.kind !== "read" || op.purpose === undefined) continue;
            own.add(op.id);
            for (const seen of op.observed) {
              keys++;
              if (seen.node === leader) byLeader++;
            }
          }
          reads += own.size;
          // A violation names its read first; a read counts once however many keys broke.
          broken += new Set(violations.map((v) => v.ops[0]).filter((id) => own.has(id))).size;
        }
        rows.push({
          routing: name || routingName(routing),
          lagMs,
          afterMs,
          reads,
          brokenReads: broken,
          brokenPct: round1((100 * broken) / Math.max(1, reads)),
          leaderPct: round1((100 * byLeader) / Math.max(1, keys)),
        });
      }
    }
  }
  return rows;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/** An axis title in lines of at most ~34 characters: a rotated title longer than its axis would push the panels apart. */
function wrapTitle(title: string): string[] {
  const lines: string[] = [];
  for (const word of title.split(" ")) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last].length + 1 + word.length <= 34) lines[last] += ` ${word}`;
    else lines.push(word);
  }
  return lines;
}

export interface AnomalyChartOptions {
  title?: string;
  /** What the reads break, for the left axis: e.g. "reloads that miss the user's own edit". */
  brokenTitle?: string;
  /** What the wait is, for the horizontal axis. Default "time from the write's ack to the read (ms)". */
  afterTitle?: string;
  /** The replication delay shown first (one of the rows' `lagMs`). Default: the middle one. */
  lagMs?: number;
  /** Size of each panel, px. Default 300 x 210. */
  width?: number;
  height?: number;
}

/**
 * Two panels over the same horizontal axis (the wait, symlog): left, the share of reads that broke
 * the guarantee; right, the share the leader served. One line per routing. With several
 * replication delays in the rows, a control under the chart picks one (see `controlFor`).
 */
export function anomalyChart(rows: readonly AnomalyRow[] | ChartRow[], options: AnomalyChartOptions = {}): VegaLiteSpec {
  const list = checkRowList(rows);
  checkLabelFields(list, ["routing"]);
  checkNumberFields(list, ["lagMs", "afterMs", "brokenPct", "leaderPct"]);
  const lags = (distinctValues(list, "lagMs") as number[]).sort((a, b) => a - b);
  if (options.lagMs !== undefined && !lags.includes(options.lagMs)) {
    throw new ConfigError("lagMs", options.lagMs, `it must be one of the rows' delays: ${lags.join(", ")}`);
  }
  const control = controlFor(list, { field: "lagMs", title: "replication message delay, mean (ms)", initial: options.lagMs }, "lag");
  const lagMs = control.initial;
  const width = options.width ?? 300;
  const height = options.height ?? 210;
  const afters = distinctValues(list, "afterMs") as number[];
  const x = {
    field: "afterMs",
    type: "quantitative",
    title: options.afterTitle ?? "time from the write's ack to the read (ms)",
    scale: { type: "symlog", constant: 1, domain: [0, Math.max(...afters)], nice: false },
    axis: { values: afters, labelExpr: "'' + datum.value" },
  };
  const routings = distinctValues(list, "routing");
  const legend = { labelLimit: 260 };
  const colour = { field: "routing", type: "nominal", title: "reads routed to", scale: { domain: routings }, legend };
  // Routings that break nothing share a line at 0: dashes and shapes keep each one visible.
  const dash = { field: "routing", type: "nominal", scale: { domain: routings, range: [[1, 0], [6, 3], [2, 2], [8, 2, 2, 2]] }, legend };
  const shape = { field: "routing", type: "nominal", scale: { domain: routings, range: ["circle", "square", "triangle-up", "diamond"] }, legend };
  const tooltip = [
    { field: "routing", type: "nominal", title: "routing" },
    { field: "lagMs", type: "quantitative", title: "replication message delay, mean (ms)" },
    { field: "afterMs", type: "quantitative", title: "read this long after the ack (ms)" },
    { field: "brokenReads", type: "quantitative", title: "reads that broke the guarantee" },
    { field: "reads", type: "quantitative", title: "reads" },
    { field: "brokenPct", type: "quantitative", title: "broken (%)" },
    { field: "leaderPct", type: "quantitative", title: "served by the leader (%)" },
  ];
  // One vertical scale for every position of the control, so moving it does not rescale the axis.
  const topOf = (field: string) => {
    const max = Math.max(...list.map((r) => r[field] as number));
    return max > 50 ? 100 : max > 20 ? 50 : max > 10 ? 20 : 10;
  };
  const panel = (field: string, title: string) => ({
    width,
    height,
    transform: [control.filter],
    encoding: {
      x,
      y: { field, type: "quantitative", title: wrapTitle(title), scale: { domain: [0, topOf(field)] } },
      color: colour,
      tooltip,
    },
    layer: [
      { mark: { type: "line", strokeWidth: 2 }, encoding: { strokeDash: dash } },
      { mark: { type: "point", filled: true, size: 45 }, encoding: { shape } },
    ],
  });
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: {
      text: options.title ?? "Reads that break the guarantee, by how soon they follow the write",
      subtitle: [
        "bind" in control.param
          ? `A replication message takes ${lagMs} ms on average at first; the slider under the chart changes it. Hover for counts.`
          : `A replication message takes ${lagMs} ms on average. Hover for counts.`,
      ],
      anchor: "start",
    },
    data: { values: list.map((r) => ({ routing: r.routing, lagMs: r.lagMs, afterMs: r.afterMs, reads: r.reads, brokenReads: r.brokenReads, brokenPct: r.brokenPct, leaderPct: r.leaderPct })) },
    params: [control.param],
    hconcat: [
      panel("brokenPct", options.brokenTitle ?? "reads that broke the guarantee (%)"),
      panel("leaderPct", "reads the leader served (%)"),
    ],
  };
}

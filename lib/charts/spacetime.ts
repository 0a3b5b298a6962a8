/**
 * A space-time (Lamport) diagram of a short run: one lane per client and per node, time running
 * left to right; client operations as intervals on their client's lane; requests, replication
 * messages and replies as arrows between lanes; and the operations of the checkers' violations
 * highlighted, so a student sees who knew what, when.
 *
 * The engine records per-write times (accepted, received by each follower, acknowledged), not
 * every message, so the arrows are derived from those: a write's request goes from its client to
 * the node that accepted it, replication from that node to each follower when it received the
 * write, and the reply back when the client learned the outcome. Followers' acknowledgements to the
 * leader are not recorded and not drawn. A read is drawn as served halfway through its interval.
 */
import { checkAll } from "../checkers/checkAll";
import { ConfigError } from "../errors";
import type { ClientId, ClusterEvent, History, NodeId, Op, Violation } from "../history";
import type { VegaLiteSpec } from "./render";
import { historyEndMs, historyOf, nodeStates, nodesOf, type NodeState } from "./timeline";

/** The per-write times the diagram uses; a run's `writes` table has them (index = write number). */
export interface WriteTimes {
  count: number;
  acceptMs: ArrayLike<number>;
  ackMs: ArrayLike<number>;
  /** Per follower, in the order of `followers`: when it received each write (Infinity: never). */
  receivedMs: ArrayLike<number>[];
}

/** A run, or the parts of one the diagram draws. `simulate`'s result fits as it is. */
export interface SpacetimeSource {
  history: History;
  /** Every node, the initial leader first. Default: the nodes the history mentions. */
  nodes?: NodeId[];
  /** The followers, in the order of `writes.receivedMs`. Default: `nodes` after the first. */
  followers?: NodeId[];
  /** Per-write times; without them only client operations, replies and events are drawn. */
  writes?: WriteTimes;
}

export interface SpacetimeOptions {
  /** Chart title. Default "Who knew what, when". */
  title?: string;
  /** Window drawn, ms. Default: the whole run. */
  fromMs?: number;
  toMs?: number;
  /** Violations to highlight. Default: every checker's, from `checkAll(history)`. */
  violations?: Violation[];
  /** Most operations the window may hold; a diagram of more is unreadable. Default 60. */
  maxOps?: number;
  /** Plot width in pixels. Default 720. */
  width?: number;
}

type Kind = "write" | "read" | "failed write" | "request" | "replication" | "reply" | "never delivered" | "violation";

const COLORS: Record<Kind, string> = {
  write: "#1f5fa8",
  read: "#8c5fb3",
  "failed write": "#b0aca8",
  request: "#8c8c8c",
  replication: "#5fa2dd",
  reply: "#59a14f",
  "never delivered": "#e15759",
  violation: "#e15759",
};

const STATE_SHADES: Record<NodeState, string> = {
  leader: "#1f5fa8",
  follower: "#b7cde6",
  "deposed leader": "#f28e2b",
  crashed: "#4d4d4d",
  paused: "#d4c36a",
};

const LANE_PX = 54;

interface Arrow {
  kind: Kind;
  fromMs: number;
  toMs: number;
  fromLane: number;
  toLane: number;
  what: string;
}

const round = (t: number) => Number(t.toFixed(3));

/** Short text for an operation: "#3 W x=v1" or "#7 R x→v1". */
function opLabel(op: Op): string {
  if (op.kind === "write") return `#${op.id} W ${op.key}=${op.value}`;
  return `#${op.id} R ${op.observed.map((o) => `${o.key}→${o.value ?? "∅"}`).join(" ")}`;
}

/** The k-th write in the history is write number k of the run (both are in invocation order). */
function writeNumbers(history: History): Map<number, number> {
  const byOp = new Map<number, number>();
  for (const op of history.ops) if (op.kind === "write") byOp.set(op.id, byOp.size);
  return byOp;
}

function eventText(e: ClusterEvent): string | null {
  switch (e.kind) {
    case "crash":
      return "crash";
    case "recover":
      return "back";
    case "pause":
      return "paused";
    case "elected":
      return `elected, epoch ${e.epoch}`;
    case "demoted":
      return "steps down";
    default:
      return null;
  }
}

/**
 * A vega-lite spec of the space-time diagram of `source` (a run, or a history with its times).
 *
 * @example
 * await show(spacetimeDiagram(run, { toMs: 200 }));
 */
export function spacetimeDiagram(source: SpacetimeSource | History, options: SpacetimeOptions = {}): VegaLiteSpec {
  const history = historyOf(source);
  const src: SpacetimeSource = "history" in source ? source : { history };
  const nodes = src.nodes ?? nodesOf(history);
  const followers = src.followers ?? nodes.slice(1);
  const fromMs = options.fromMs ?? 0;
  // By default a little room after the last operation, so its label is not cut off.
  const toMs = options.toMs ?? fromMs + 1.08 * Math.max(historyEndMs(history) - fromMs, 1);
  if (!(Number.isFinite(fromMs) && Number.isFinite(toMs) && toMs > fromMs)) {
    throw new ConfigError("toMs", toMs, `the window must end after it starts (fromMs = ${fromMs})`);
  }
  const ops = history.ops.filter((op) => op.invokeMs <= toMs && (op.completeMs >= fromMs || !Number.isFinite(op.completeMs)) && op.invokeMs >= fromMs);
  const maxOps = options.maxOps ?? 60;
  if (ops.length > maxOps) {
    throw new ConfigError(
      "toMs",
      toMs,
      `the window holds ${ops.length} operations, more than maxOps = ${maxOps} can show readably: pick a shorter window with fromMs/toMs, or a run with fewer writes`,
    );
  }
  const width = options.width ?? 720;

  const clients: ClientId[] = [];
  for (const op of ops) if (!clients.includes(op.client)) clients.push(op.client);
  clients.sort();
  const lanes = [...clients, ...nodes];
  const laneOf = new Map<string, number>(lanes.map((l, i) => [l, i]));
  const height = LANE_PX * lanes.length;
  const pxPerMs = width / (toMs - fromMs);
  const pxPerLane = height / lanes.length;

  const violations = (options.violations ?? Object.values(checkAll(history)).flat()).filter((v) => v.ops.some((id) => ops.some((op) => op.id === id)));
  const flagged = new Map<number, string>();
  for (const v of violations) for (const id of v.ops) if (!flagged.has(id)) flagged.set(id, v.guarantee);

  // Operations on client lanes.
  const end = (t: number) => (Number.isFinite(t) ? Math.min(t, toMs) : toMs);
  const opRows = ops.map((op) => ({
    lane: laneOf.get(op.client)!,
    fromMs: round(op.invokeMs),
    toMs: round(end(op.completeMs)),
    kind: (op.kind === "read" ? "read" : op.acknowledged ? "write" : "failed write") as Kind,
    label: opLabel(op),
    outcome: op.kind === "read" ? `served by ${op.observed.map((o) => o.node).join(", ")}` : op.acknowledged ? `acknowledged by ${op.node}` : `failed: ${op.failure}`,
    flagged: flagged.get(op.id) ?? "",
    labelLane: 0,
    flagLane: 0,
  }));
  // Labels of operations close in time on one lane would overprint: each goes on the first line
  // above (and, for the violation's name, below) its lane that is free at its start.
  const CHAR_PX = 6;
  const LINE_LANES = 12 / LANE_PX;
  const freeFrom = new Map<string, number>();
  for (const row of [...opRows].sort((a, b) => a.lane - b.lane || a.fromMs - b.fromMs)) {
    const place = (side: "label" | "flag", text: string): number => {
      for (let line = 0; ; line++) {
        const key = `${side}/${row.lane}/${line}`;
        if (line === 3 || (freeFrom.get(key) ?? -Infinity) <= row.fromMs) {
          freeFrom.set(key, row.fromMs + ((text.length + 1) * CHAR_PX) / pxPerMs);
          return line;
        }
      }
    };
    row.labelLane = row.lane - place("label", row.label) * LINE_LANES;
    row.flagLane = row.flagged === "" ? row.lane : row.lane + place("flag", row.flagged) * LINE_LANES;
  }

  // Messages.
  const arrows: Arrow[] = [];
  const writeNo = writeNumbers(history);
  const times = src.writes && src.writes.count === writeNo.size ? src.writes : undefined;
  const elections = history.events.filter((e): e is Extract<ClusterEvent, { kind: "elected" }> => e.kind === "elected");
  for (const op of ops) {
    const client = laneOf.get(op.client)!;
    if (op.kind === "read") {
      // A page of several keys may be served by several nodes: one request and reply to each.
      const servedMs = Number.isFinite(op.completeMs) ? (op.invokeMs + op.completeMs) / 2 : op.invokeMs;
      for (const name of new Set(op.observed.map((o) => o.node))) {
        const node = laneOf.get(name);
        if (node === undefined) continue;
        const keys = op.observed.length > 1 ? ` (${op.observed.filter((o) => o.node === name).map((o) => o.key).join(", ")})` : "";
        arrows.push({ kind: "request", fromMs: op.invokeMs, toMs: servedMs, fromLane: client, toLane: node, what: `read #${op.id}${keys} sent to ${name}` });
        if (Number.isFinite(op.completeMs)) arrows.push({ kind: "reply", fromMs: servedMs, toMs: op.completeMs, fromLane: node, toLane: client, what: `read #${op.id}${keys} answered by ${name}` });
      }
      continue;
    }
    if (op.node === null) continue;
    const node = laneOf.get(op.node);
    if (node === undefined) continue;
    const w = writeNo.get(op.id)!;
    const acceptMs = times ? times.acceptMs[w] : op.invokeMs;
    arrows.push({ kind: "request", fromMs: op.invokeMs, toMs: acceptMs, fromLane: client, toLane: node, what: `write #${op.id} sent to ${op.node}` });
    if (Number.isFinite(op.completeMs)) {
      const ackMs = times && Number.isFinite(times.ackMs[w]) ? times.ackMs[w] : op.completeMs;
      arrows.push({ kind: "reply", fromMs: ackMs, toMs: op.completeMs, fromLane: node, toLane: client, what: `write #${op.id}: ${op.acknowledged ? "ok" : op.failure}` });
    }
    if (!times) continue;
    followers.forEach((f, i) => {
      const to = laneOf.get(f);
      if (to === undefined || f === op.node || !times.receivedMs[i]) return;
      const receivedMs = times.receivedMs[i][w];
      // Received only after a newer epoch began: the new leader re-sent it when the follower rejoined.
      const resent = Number.isFinite(receivedMs) && elections.find((e) => e.epoch > op.epoch && e.atMs >= acceptMs && e.atMs <= receivedMs && e.node !== f);
      if (resent && laneOf.has(resent.node)) {
        const by = laneOf.get(resent.node)!;
        arrows.push({ kind: "replication", fromMs: resent.atMs, toMs: receivedMs, fromLane: by, toLane: to, what: `write #${op.id} re-sent by ${resent.node}, reaches ${f}` });
      } else if (Number.isFinite(receivedMs)) {
        arrows.push({ kind: "replication", fromMs: acceptMs, toMs: receivedMs, fromLane: node, toLane: to, what: `write #${op.id} reaches ${f}` });
      } else {
        // Still in flight when a newer epoch began: the follower refuses it from then on.
        const cutMs = elections.find((e) => e.epoch > op.epoch && e.atMs >= acceptMs)?.atMs ?? toMs;
        arrows.push({ kind: "never delivered", fromMs: acceptMs, toMs: cutMs, fromLane: node, toLane: to, what: `write #${op.id} never reaches ${f}` });
      }
    });
  }
  const arrowRows = arrows
    .filter((a) => Number.isFinite(a.fromMs) && Number.isFinite(a.toMs))
    .map((a) => ({
      ...a,
      fromMs: round(a.fromMs),
      toMs: round(a.toMs),
      // The arrowhead's angle on screen, from the chart's fixed pixel scales (y grows downwards).
      angle: round((Math.atan2((a.toLane - a.fromLane) * pxPerLane, (a.toMs - a.fromMs) * pxPerMs) * 180) / Math.PI),
    }));

  // Node lanes: a band per state, with the states worth naming written on it.
  const shades = nodeStates(history, nodes, toMs)
    .filter((s) => s.toMs > fromMs && s.fromMs < toMs)
    .map((s) => ({
      lane: laneOf.get(s.node)!,
      fromMs: round(Math.max(s.fromMs, fromMs)),
      toMs: round(Math.min(s.toMs, toMs)),
      shade: STATE_SHADES[s.state],
      state: s.epoch !== undefined ? `${s.state}, epoch ${s.epoch}` : s.state,
    }));
  const stateLabels = shades.filter((s) => !s.state.startsWith("follower") && (s.toMs - s.fromMs) * pxPerMs > 40);
  const events = history.events
    .filter((e) => e.atMs >= fromMs && e.atMs <= toMs && "node" in e && laneOf.has(e.node) && eventText(e) !== null)
    .map((e) => ({ lane: laneOf.get((e as { node: NodeId }).node)!, atMs: round(e.atMs), text: eventText(e)! }));

  const kinds = Object.keys(COLORS) as Kind[];
  const present = new Set<Kind>([...opRows.map((o) => o.kind), ...arrowRows.map((a) => a.kind)]);
  if (violations.length > 0) present.add("violation");
  const color = {
    field: "kind",
    type: "nominal",
    title: null,
    scale: { domain: kinds, range: kinds.map((k) => COLORS[k]) },
    legend: { orient: "bottom", direction: "horizontal", values: kinds.filter((k) => present.has(k)), columns: 4, labelLimit: 200, symbolType: "stroke", symbolStrokeWidth: 3, symbolOpacity: 1 },
  };
  const x = { field: "fromMs", type: "quantitative", title: "time (virtual ms)", scale: { domain: [fromMs, toMs], nice: false, zero: false } };
  const y = {
    field: "lane",
    type: "quantitative",
    title: null,
    scale: { domain: [-0.6, lanes.length - 0.4], reverse: true, nice: false, zero: false },
    axis: {
      values: lanes.map((_, i) => i),
      labelExpr: `${JSON.stringify(lanes)}[datum.value]`,
      grid: true,
      gridDash: [2, 4],
      labelFontSize: 12,
      labelFontWeight: "bold",
      ticks: false,
      domain: false,
    },
  };
  const flaggedOps = opRows.filter((o) => o.flagged !== "");
  const summary = violations.length === 0 ? "no checker found a violation here" : `highlighted: ${[...new Set(violations.map((v) => v.guarantee))].join(", ")} (${violations.map((v) => v.ops.map((id) => `#${id}`).join("+")).join("; ")})`;

  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: { text: options.title ?? "Who knew what, when", subtitle: `time runs left to right; ${summary}` },
    width,
    height,
    layer: [
      {
        data: { values: shades },
        mark: { type: "rule", strokeWidth: 5, opacity: 0.45, clip: true },
        encoding: {
          x,
          x2: { field: "toMs" },
          y,
          color: { field: "shade", type: "nominal", scale: null },
          tooltip: [{ field: "state", title: "node state" }, { field: "fromMs", title: "from ms" }, { field: "toMs", title: "to ms" }],
        },
      },
      {
        data: { values: stateLabels },
        mark: { type: "text", align: "left", baseline: "bottom", dx: 2, dy: -5, fontSize: 10, fontStyle: "italic", color: "#444444", clip: true },
        encoding: { x, y, text: { field: "state" } },
      },
      {
        data: { values: flaggedOps },
        mark: { type: "rule", strokeWidth: 15, strokeCap: "round", clip: true },
        encoding: { x, x2: { field: "toMs" }, y, color: { datum: "violation" } },
      },
      {
        data: { values: arrowRows.filter((a) => a.kind !== "never delivered") },
        mark: { type: "rule", strokeWidth: 1.3, clip: true },
        encoding: { x, x2: { field: "toMs" }, y: { ...y, field: "fromLane" }, y2: { field: "toLane" }, color, tooltip: [{ field: "what" }, { field: "fromMs", title: "sent ms" }, { field: "toMs", title: "arrived ms" }] },
      },
      {
        data: { values: arrowRows.filter((a) => a.kind === "never delivered") },
        mark: { type: "rule", strokeWidth: 1.5, strokeDash: [4, 3], clip: true },
        encoding: { x, x2: { field: "toMs" }, y: { ...y, field: "fromLane" }, y2: { field: "toLane" }, color, tooltip: [{ field: "what" }, { field: "fromMs", title: "sent ms" }, { field: "toMs", title: "given up ms" }] },
      },
      {
        data: { values: arrowRows },
        mark: { type: "point", filled: true, size: 45, opacity: 1, clip: true },
        encoding: {
          x: { ...x, field: "toMs" },
          y: { ...y, field: "toLane" },
          color,
          shape: { condition: { test: "datum.kind === 'never delivered'", value: "cross" }, value: "triangle-right" },
          angle: { field: "angle", type: "quantitative", scale: null },
        },
      },
      {
        data: { values: opRows },
        mark: { type: "rule", strokeWidth: 7, strokeCap: "round", clip: true },
        encoding: {
          x,
          x2: { field: "toMs" },
          y,
          color,
          tooltip: [{ field: "label", title: "operation" }, { field: "outcome" }, { field: "fromMs", title: "invoked ms" }, { field: "toMs", title: "completed ms" }, { field: "flagged", title: "violation" }],
        },
      },
      {
        data: { values: opRows },
        mark: { type: "text", align: "left", baseline: "bottom", dy: -7, fontSize: 10, clip: true },
        encoding: { x, y: { ...y, field: "labelLane" }, text: { field: "label" }, color: { condition: { test: "datum.flagged !== ''", value: COLORS.violation }, value: "#222222" } },
      },
      {
        data: { values: flaggedOps },
        mark: { type: "text", align: "left", baseline: "top", dy: 8, fontSize: 10, fontWeight: "bold", color: COLORS.violation, clip: true },
        encoding: { x, y: { ...y, field: "flagLane" }, text: { field: "flagged" } },
      },
      {
        data: { values: events },
        mark: { type: "text", align: "center", baseline: "top", dy: 6, fontSize: 10, fontWeight: "bold", color: "#222222", clip: true },
        encoding: { x: { ...x, field: "atMs" }, y, text: { field: "text" } },
      },
    ],
    config: { axis: { titleFontSize: 12 }, legend: { labelFontSize: 11 } },
  };
}

/**
 * The failover timeline: one lane per node showing what it was (leader, follower, deposed leader
 * that still thinks it leads, crashed, paused), the cluster's events (crash, suspicion, election,
 * step-down), and a lane of client writes coloured by what became of them, lost ones in red.
 *
 * Built from a History alone, so a hand-made history draws as well as a simulated one.
 */
import { ConfigError } from "../errors";
import type { ClusterEvent, History, NodeId, WriteOp } from "../history";
import { lostWrites } from "../checkers/lostWrites";
import { checkWindows, windowLayers, type TimeWindow } from "./lag";
import type { VegaLiteSpec } from "./render";

/** What a node was during a stretch of time. */
export type NodeState = "leader" | "follower" | "deposed leader" | "crashed" | "paused";

/** One stretch of time in which a node kept one state. */
export interface NodeStateSegment {
  node: NodeId;
  state: NodeState;
  fromMs: number;
  toMs: number;
  /** The epoch the node held as leader (leaders and deposed leaders only). */
  epoch?: number;
}

/** What became of a client's write. */
export type WriteOutcome =
  | "acknowledged"
  | "acknowledged, then lost"
  | "handled by a deposed leader"
  | "refused by fencing"
  | "failed: no live leader"
  | "still waiting at the end";

export interface TimelineOptions {
  /** Chart title. Default "Failover timeline". */
  title?: string;
  /** Start of the window drawn, ms. Default 0. */
  fromMs?: number;
  /** End of the window drawn, ms. Default: the last event or completed operation. */
  toMs?: number;
  /** Width of the plot in pixels. Default 680. */
  width?: number;
  /** Node lanes, top to bottom. Default: the history's nodes, the initial leader "L" first. */
  nodes?: NodeId[];
  /** Stretches of time to shade behind the lanes, e.g. a partition: `[{ fromMs, toMs, label }]`. */
  windows?: TimeWindow[];
}

const STATE_COLORS: Record<NodeState, string> = {
  leader: "#1f5fa8",
  follower: "#b7cde6",
  "deposed leader": "#f28e2b",
  crashed: "#4d4d4d",
  paused: "#d4c36a",
};

const OUTCOME_COLORS: Record<WriteOutcome, string> = {
  acknowledged: "#59a14f",
  "acknowledged, then lost": "#e15759",
  "handled by a deposed leader": "#f28e2b",
  "refused by fencing": "#8c5fb3",
  "failed: no live leader": "#b0aca8",
  "still waiting at the end": "#edc948",
};

type MarkedEvent = "crash" | "suspected" | "elected" | "stepped down" | "recovered" | "acks fell back";

const EVENT_SHAPES: Record<MarkedEvent, string> = {
  crash: "cross",
  suspected: "diamond",
  elected: "triangle-up",
  "stepped down": "triangle-down",
  recovered: "circle",
  "acks fell back": "square",
};

/** The writes lane's name; node names are single letters by default, so it cannot clash. */
export const WRITES_LANE = "client writes";

/** The nodes a history mentions, the initial leader first, then by name. */
export function nodesOf(history: History): NodeId[] {
  const names = new Set<NodeId>();
  for (const e of history.events) if ("node" in e) names.add(e.node);
  for (const op of history.ops) {
    if (op.kind === "write" && op.node !== null) names.add(op.node);
    if (op.kind === "read") for (const o of op.observed) names.add(o.node);
  }
  if (history.finalLeader !== null) names.add(history.finalLeader);
  const first = initialLeader(history);
  return [...names].sort((a, b) => (a === first ? -1 : b === first ? 1 : a < b ? -1 : a > b ? 1 : 0));
}

/** The leader of epoch 1: "L" by convention, else the node that took the first epoch-1 write. */
function initialLeader(history: History): NodeId {
  let first: WriteOp | undefined;
  for (const op of history.ops) {
    if (op.kind === "write" && op.node !== null && op.epoch === 1 && (first === undefined || op.invokeMs < first.invokeMs)) first = op;
  }
  return first?.node ?? "L";
}

/** The last finite time the history mentions: events, invocations, completions. */
export function historyEndMs(history: History): number {
  let end = 0;
  for (const e of history.events) {
    end = Math.max(end, e.atMs);
    if (e.kind === "pause" && Number.isFinite(e.untilMs)) end = Math.max(end, e.untilMs);
  }
  for (const op of history.ops) {
    end = Math.max(end, op.invokeMs);
    if (Number.isFinite(op.completeMs)) end = Math.max(end, op.completeMs);
  }
  return end;
}

/**
 * What each node was over time, from the history's events: the initial leader leads epoch 1 and
 * the others follow; `elected` makes a node leader and turns the previous leader into a deposed
 * one until its `demoted` event; crashes and pauses cover whatever the node believed meanwhile.
 */
export function nodeStates(history: History, nodes: NodeId[], endMs: number): NodeStateSegment[] {
  const role = new Map<NodeId, { state: "leader" | "follower" | "deposed leader"; epoch?: number }>();
  const down = new Map<NodeId, "crashed" | "paused" | null>();
  nodes.forEach((n, i) => {
    role.set(n, i === 0 ? { state: "leader", epoch: 1 } : { state: "follower" });
    down.set(n, null);
  });
  type Change = { atMs: number; order: number; apply: () => void };
  const changes: Change[] = [];
  history.events.forEach((e, order) => {
    if (!role.has((e as { node?: NodeId }).node ?? "")) return;
    const node = (e as { node: NodeId }).node;
    switch (e.kind) {
      case "crash":
        changes.push({ atMs: e.atMs, order, apply: () => down.set(node, "crashed") });
        break;
      case "recover":
        changes.push({ atMs: e.atMs, order, apply: () => down.set(node, null) });
        break;
      case "pause":
        changes.push({ atMs: e.atMs, order, apply: () => down.set(node, "paused") });
        changes.push({ atMs: e.untilMs, order, apply: () => down.get(node) === "paused" && down.set(node, null) });
        break;
      case "elected":
        changes.push({
          atMs: e.atMs,
          order,
          apply: () => {
            for (const [other, r] of role) if (other !== node && r.state === "leader") role.set(other, { state: "deposed leader", epoch: r.epoch });
            role.set(node, { state: "leader", epoch: e.epoch });
          },
        });
        break;
      case "demoted":
        changes.push({ atMs: e.atMs, order, apply: () => role.set(node, { state: "follower" }) });
        break;
      default:
        break;
    }
  });
  changes.sort((a, b) => a.atMs - b.atMs || a.order - b.order);
  const segments: NodeStateSegment[] = [];
  const open = new Map<NodeId, NodeStateSegment>();
  const current = (n: NodeId): Omit<NodeStateSegment, "fromMs" | "toMs"> => {
    const d = down.get(n);
    const r = role.get(n)!;
    const seg: Omit<NodeStateSegment, "fromMs" | "toMs"> = { node: n, state: d ?? r.state };
    if (d === null && r.epoch !== undefined && (r.state === "leader" || r.state === "deposed leader")) seg.epoch = r.epoch;
    return seg;
  };
  const refresh = (atMs: number) => {
    for (const n of nodes) {
      const now = current(n);
      const prev = open.get(n);
      if (prev && prev.state === now.state && prev.epoch === now.epoch) continue;
      if (prev) {
        prev.toMs = atMs;
        if (prev.toMs > prev.fromMs) segments.push(prev);
      }
      open.set(n, { ...now, fromMs: atMs, toMs: endMs });
    }
  };
  refresh(0);
  for (const c of changes) {
    if (c.atMs > endMs) break;
    c.apply();
    refresh(c.atMs);
  }
  for (const seg of open.values()) if (seg.toMs > seg.fromMs) segments.push(seg);
  return segments.sort((a, b) => nodes.indexOf(a.node) - nodes.indexOf(b.node) || a.fromMs - b.fromMs);
}

/** Each write's outcome; a write a deposed leader took or acknowledged is labelled so even if it was later lost. */
export function writeOutcomes(history: History): Map<number, WriteOutcome> {
  const lost = new Set(lostWrites(history).map((v) => v.ops[0]));
  const elections = history.events.filter((e): e is Extract<ClusterEvent, { kind: "elected" }> => e.kind === "elected");
  // Sent after a newer leader was elected, or acknowledged after it (a paused leader takes the
  // writes that queued up while it was frozen when it wakes, already deposed).
  const byDeposedLeader = (w: WriteOp) =>
    elections.some((e) => e.epoch > w.epoch && (e.atMs <= w.invokeMs || (w.acknowledged && e.atMs <= w.completeMs)));
  const out = new Map<number, WriteOutcome>();
  for (const op of history.ops) {
    if (op.kind !== "write") continue;
    let outcome: WriteOutcome;
    if (op.node !== null && op.lsn > 0 && byDeposedLeader(op)) outcome = "handled by a deposed leader";
    else if (op.acknowledged) outcome = lost.has(op.id) ? "acknowledged, then lost" : "acknowledged";
    else if (op.failure === "fenced") outcome = "refused by fencing";
    else if (op.failure === "stalled") outcome = "still waiting at the end";
    else outcome = "failed: no live leader";
    out.set(op.id, outcome);
  }
  return out;
}

function eventMark(e: ClusterEvent): { kind: MarkedEvent; text: string } | null {
  switch (e.kind) {
    case "crash":
      return { kind: "crash", text: `${e.node} crashes` };
    case "suspect":
      return { kind: "suspected", text: `${e.by} suspects ${e.node}` };
    case "elected":
      return { kind: "elected", text: `${e.node} elected leader of epoch ${e.epoch}` };
    case "demoted":
      return { kind: "stepped down", text: `${e.node} learns it is deposed (was epoch ${e.epoch})` };
    case "recover":
      return { kind: "recovered", text: `${e.node} is back` };
    case "ack-fallback":
      return { kind: "acks fell back", text: `acknowledgements fell back to ${e.mode}` };
    default:
      return null; // pauses show as lane states; fencing refusals as write outcomes
  }
}

const round = (t: number) => Number(t.toFixed(2));

/** A run (anything with a history and its node names), e.g. what `simulate` returns. */
export interface TimelineSource {
  history: History;
  /** Every node, the initial leader first; a history alone only names nodes that did something. */
  nodes?: NodeId[];
}

/** The history inside a run, or the history itself; a clear error for anything else. */
export function historyOf(source: History | TimelineSource): History {
  const h = source && typeof source === "object" && "history" in source ? source.history : (source as History);
  if (!h || typeof h !== "object" || !Array.isArray(h.ops) || !Array.isArray(h.events)) {
    throw new ConfigError("history", source, "it must be a run (what simulate returns) or its History, e.g. run.history");
  }
  return h;
}

/**
 * A nominal encoding with fixed styles per category (colours or shapes), so a category looks the
 * same in every chart, and a legend below the chart listing only the categories present.
 */
function categories(field: string, title: string, styles: Record<string, string>, present: Iterable<string>) {
  const order = Object.keys(styles);
  const shown = new Set(present);
  return {
    field,
    type: "nominal",
    title,
    scale: { domain: order, range: order.map((c) => styles[c]) },
    legend: { title, orient: "bottom", direction: "vertical", values: order.filter((c) => shown.has(c)), labelLimit: 320 },
  };
}

/**
 * A vega-lite spec of the failover timeline of `history`: lanes per node coloured by state,
 * event markers, and a lane of client writes (placed when sent) coloured by outcome.
 *
 * @example
 * await show(failoverTimeline(run.history, { fromMs: 400, toMs: 700 }));
 */
export function failoverTimeline(source: History | TimelineSource, options: TimelineOptions = {}): VegaLiteSpec {
  const history = historyOf(source);
  const nodes = options.nodes ?? ("history" in source && source.nodes ? source.nodes : nodesOf(history));
  if (nodes.length === 0) throw new ConfigError("nodes", nodes, "the timeline needs at least one node");
  const fromMs = options.fromMs ?? 0;
  const toMs = options.toMs ?? Math.max(historyEndMs(history), fromMs + 1);
  if (!(Number.isFinite(fromMs) && Number.isFinite(toMs) && toMs > fromMs)) {
    throw new ConfigError("toMs", toMs, `the window must end after it starts (fromMs = ${fromMs})`);
  }
  const width = options.width ?? 680;
  const lanes = [...nodes, WRITES_LANE];
  const windows = checkWindows(options.windows ?? [])
    .filter((w) => w.toMs > fromMs && w.fromMs < toMs)
    .map((w) => ({ fromMs: Math.max(w.fromMs, fromMs), toMs: Math.min(w.toMs, toMs), label: w.label }));

  const states = nodeStates(history, nodes, toMs)
    .filter((s) => s.toMs > fromMs && s.fromMs < toMs)
    .map((s) => ({
      lane: s.node,
      state: s.state,
      fromMs: round(Math.max(s.fromMs, fromMs)),
      toMs: round(Math.min(s.toMs, toMs)),
      label: s.epoch !== undefined ? `epoch ${s.epoch}` : "",
    }));
  const pxPerMs = width / (toMs - fromMs);
  // An epoch label only where its bar is wide enough to hold it.
  const labels = states.filter((s) => s.label !== "" && (s.toMs - s.fromMs) * pxPerMs > 52);

  const events = history.events
    .filter((e) => e.atMs >= fromMs && e.atMs <= toMs)
    .map((e) => ({ e, mark: eventMark(e) }))
    .filter((x) => x.mark !== null && nodes.includes((x.e as { node?: NodeId }).node ?? nodes[0]))
    .map(({ e, mark }) => ({ lane: (e as { node?: NodeId }).node ?? nodes[0], atMs: round(e.atMs), event: mark!.kind, what: mark!.text }));
  const guides = events.filter((e) => e.event === "crash" || e.event === "elected");

  const outcomes = writeOutcomes(history);
  const highlighted = new Set<WriteOutcome>(["acknowledged, then lost", "handled by a deposed leader"]);
  const writes = history.ops
    .filter((op): op is WriteOp => op.kind === "write" && op.invokeMs >= fromMs && op.invokeMs <= toMs)
    .map((op) => ({
      lane: WRITES_LANE,
      atMs: round(op.invokeMs),
      outcome: outcomes.get(op.id)!,
      write: `write ${op.id} by ${op.client}: ${op.key} = ${op.value}`,
      node: op.node ?? "none",
      epoch: op.epoch,
      highlight: highlighted.has(outcomes.get(op.id)!),
    }));

  const x = {
    field: "fromMs",
    type: "quantitative",
    title: "time (virtual ms)",
    scale: { domain: [fromMs, toMs], nice: false, zero: false },
  };
  const y = { field: "lane", type: "nominal", title: null, sort: lanes, scale: { domain: lanes } };

  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: {
      text: options.title ?? "Failover timeline",
      subtitle: windows.length
        ? ["each tick in the bottom lane is one client write, placed when it was sent", ...windows.map((w) => `shaded, ${round(w.fromMs)} to ${round(w.toMs)} ms: ${w.label}`)]
        : "each tick in the bottom lane is one client write, placed when it was sent",
    },
    width,
    height: 34 * lanes.length,
    layer: [
      // The shaded band only: its label goes in the subtitle, where no lane covers it.
      ...(windows.length ? [windowLayers(windows, x.title)[0]].map((l) => ({ ...(l as object), encoding: { ...(l as { encoding: object }).encoding, x: { ...x, field: "fromMs" } } })) : []),
      {
        data: { values: guides },
        mark: { type: "rule", strokeDash: [4, 3], color: "#888888", clip: true },
        encoding: { x: { ...x, field: "atMs" } },
      },
      {
        data: { values: states },
        mark: { type: "bar", height: { band: 0.55 }, clip: true },
        encoding: {
          x,
          x2: { field: "toMs" },
          y,
          color: categories("state", "node state", STATE_COLORS, states.map((s) => s.state)),
          tooltip: [
            { field: "lane", title: "node" },
            { field: "state" },
            { field: "label", title: "epoch" },
            { field: "fromMs", title: "from ms" },
            { field: "toMs", title: "to ms" },
          ],
        },
      },
      {
        data: { values: labels },
        mark: { type: "text", align: "left", dx: 4, color: "white", fontSize: 10, clip: true },
        encoding: { x, y, text: { field: "label" } },
      },
      {
        // One layer (one colour legend): lost and deposed-leader writes come last, drawn on top, taller.
        data: { values: [...writes.filter((w) => !w.highlight), ...writes.filter((w) => w.highlight)] },
        mark: { type: "tick", thickness: 2, opacity: 1, clip: true },
        encoding: {
          x: { ...x, field: "atMs" },
          y,
          color: categories("outcome", "write outcome", OUTCOME_COLORS, writes.map((w) => w.outcome)),
          size: { condition: { test: "datum.highlight", value: 26 }, value: 14 },
          tooltip: [{ field: "write" }, { field: "outcome" }, { field: "atMs", title: "sent at ms" }, { field: "node", title: "accepted by" }, { field: "epoch" }],
        },
      },
      {
        data: { values: events },
        mark: { type: "point", filled: true, size: 110, opacity: 1, color: "black", stroke: "white", strokeWidth: 1, clip: true },
        encoding: {
          x: { ...x, field: "atMs" },
          y,
          shape: categories("event", "event", EVENT_SHAPES, events.map((e) => e.event)),
          tooltip: [{ field: "what" }, { field: "atMs", title: "at ms" }],
        },
      },
    ],
    resolve: { scale: { color: "independent" } },
    config: { axis: { labelFontSize: 11, titleFontSize: 12 }, legend: { labelFontSize: 11, titleFontSize: 11 } },
  };
}

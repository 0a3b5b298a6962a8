/**
 * A violation's neighbourhood in a long run, small enough to draw as a space-time diagram.
 *
 * A graded run or a notebook experiment holds thousands of operations; a diagram shows a few dozen
 * readably. `focusRun` keeps the operations a violation names, and around them, in a short window,
 * the operations on the same keys (every write to them, and the same clients' reads), and cuts the
 * run's per-write times and events down to match. Operation ids stay those of the full run, so the
 * diagram's `#812` is the `write 812` of the checker's message. The result is plain JSON: the
 * grader sends it from the process that ran the case to the one that draws it.
 */
import { ConfigError } from "../errors";
import type { ClusterEvent, History, NodeId, Op, Violation } from "../history";
import type { VegaLiteSpec } from "./render";
import { spacetimeDiagram, type SpacetimeSource, type WriteTimes } from "./spacetime";
import { historyOf, nodesOf } from "./timeline";

export interface FocusOptions {
  /** Most operations kept, the violation's own included. Default 40. */
  maxOps?: number;
  /** Time kept before and after the violation's operations, ms. Default: half their span, at least 2 ms. */
  marginMs?: number;
  /** The diagram's title. Default: the violation's guarantee. */
  title?: string;
}

/** What `focusRun` returns: a small run (JSON-safe) and the window and violation to draw on it. */
export interface FocusedRun {
  source: {
    history: History;
    nodes: NodeId[];
    followers: NodeId[];
    writes?: { count: number; acceptMs: number[]; ackMs: number[]; receivedMs: number[][] };
  };
  violation: Violation;
  fromMs: number;
  toMs: number;
  /** Operations of the window left out to keep the diagram readable. */
  omitted: number;
  /** Operations the violation names that happened outside the window (an old write a read saw). */
  outside: number[];
  title?: string;
}

/**
 * The part of `run` around `violation` (whose `ops` are ids in `run.history`).
 *
 * @example
 * const [v] = readYourWritesViolations(run.history);
 * await show(violationDiagram(focusRun(run, v)));
 */
export function focusRun(run: SpacetimeSource | History, violation: Violation, options: FocusOptions = {}): FocusedRun {
  const history = historyOf(run);
  const src: SpacetimeSource = "history" in run ? run : { history };
  const maxOps = options.maxOps ?? 40;
  if (!(Number.isInteger(maxOps) && maxOps >= 1)) throw new ConfigError("maxOps", maxOps, "it must be a whole number of at least 1");
  const named = (violation?.ops ?? []).map((id) => history.ops[id]).filter((op): op is Op => op !== undefined);
  if (named.length === 0) {
    throw new ConfigError("violation", violation, "it names no operation of this run (its ops must be ids in run.history.ops)");
  }
  // The window is set by the two most relevant operations (a read and the write it missed, say);
  // the others named are drawn when they fall in it (an old value's write may be far earlier).
  let first = Infinity;
  let last = -Infinity;
  for (const op of named.slice(0, 2)) {
    first = Math.min(first, op.invokeMs);
    last = Math.max(last, Number.isFinite(op.completeMs) ? op.completeMs : op.invokeMs);
  }
  const margin = options.marginMs ?? Math.max(2, (last - first) / 2);
  const fromMs = Math.max(0, first - margin);
  const toMs = last + margin;
  const core = named.filter((op, i) => i < 2 || (op.invokeMs >= fromMs && op.invokeMs <= toMs));
  const keys = new Set<string>();
  const clients = new Set<string>();
  for (const op of core) {
    clients.add(op.client);
    if (op.kind === "write") keys.add(op.key);
    else for (const o of op.observed) keys.add(o.key);
  }

  // Candidates: in the window, touching the keys; writes by anyone, reads by the clients involved.
  const coreIds = new Set(core.map((op) => op.id));
  const touches = (op: Op) => (op.kind === "write" ? keys.has(op.key) : op.observed.some((o) => keys.has(o.key)));
  const inWindow = history.ops.filter(
    (op) => !coreIds.has(op.id) && op.invokeMs >= fromMs && op.invokeMs <= toMs && touches(op) && (op.kind === "write" || clients.has(op.client)),
  );
  // The nearest to the violation's operations first, until the diagram is full.
  const centre = (first + last) / 2;
  inWindow.sort((a, b) => Math.abs(a.invokeMs - centre) - Math.abs(b.invokeMs - centre) || a.id - b.id);
  const room = Math.max(0, maxOps - core.length);
  const kept = [...core, ...inWindow.slice(0, room)].sort((a, b) => a.id - b.id);
  const keptIds = new Set(kept.map((op) => op.id));
  // The diagram draws every operation invoked in its window: keep the window to what was kept.
  let drawFrom = fromMs;
  let drawTo = toMs;
  for (const op of history.ops) {
    if (keptIds.has(op.id)) {
      drawFrom = Math.min(drawFrom, op.invokeMs);
      drawTo = Math.max(drawTo, Number.isFinite(op.completeMs) ? op.completeMs : op.invokeMs);
    }
  }

  // A crash, pause or election soon after is often the point (why a write was lost): show it.
  const span = Math.max(drawTo - drawFrom, 1);
  const next = history.events.find((e) => e.atMs > drawTo && e.atMs <= drawTo + 4 * span && (e.kind === "crash" || e.kind === "pause" || e.kind === "elected"));
  if (next) drawTo = next.atMs;
  // Show when the violation's writes reached the nodes that served its reads: often the point.
  const times = src.writes;
  const nodes = src.nodes ?? nodesOf(history);
  const followers = src.followers ?? nodes.slice(1);
  if (times) {
    const servedBy = new Set(core.flatMap((op) => (op.kind === "read" ? op.observed.map((o) => o.node) : [])));
    const writeNo = writeNumbers(history);
    for (const op of core) {
      if (op.kind !== "write") continue;
      followers.forEach((f, i) => {
        const at = servedBy.has(f) ? times.receivedMs[i]?.[writeNo.get(op.id)!] : undefined;
        if (at !== undefined && Number.isFinite(at)) drawTo = Math.max(drawTo, Math.min(at, drawTo + 4 * (drawTo - drawFrom)));
      });
    }
  }

  const sliced: History = {
    ops: kept.map((op) => structuredClone(op)),
    events: history.events.filter((e: ClusterEvent) => e.atMs <= drawTo),
    finalLog: history.finalLog.filter((id) => keptIds.has(id)),
    finalLeader: history.finalLeader,
  };
  const focused: FocusedRun = {
    source: { history: sliced, nodes: [...nodes], followers: [...followers] },
    violation: { guarantee: violation.guarantee, ops: named.map((op) => op.id), message: violation.message, atMs: violation.atMs },
    fromMs: round(drawFrom - 0.02 * (drawTo - drawFrom)),
    toMs: round(drawTo + 0.08 * (drawTo - drawFrom)),
    omitted: inWindow.length - Math.min(room, inWindow.length),
    outside: named.filter((op) => !core.includes(op)).map((op) => op.id),
    ...(options.title !== undefined ? { title: options.title } : {}),
  };
  if (focused.fromMs < 0) focused.fromMs = 0;
  if (times) focused.source.writes = sliceTimes(history, times, kept, followers.length);
  return focused;
}

/** The per-write times of the kept writes, in their order (write k of the run = k-th write op). */
function sliceTimes(history: History, times: WriteTimes, kept: Op[], followerCount: number): NonNullable<FocusedRun["source"]["writes"]> {
  const writeNo = writeNumbers(history);
  const out = { count: 0, acceptMs: [] as number[], ackMs: [] as number[], receivedMs: Array.from({ length: followerCount }, () => [] as number[]) };
  for (const op of kept) {
    if (op.kind !== "write") continue;
    const w = writeNo.get(op.id)!;
    out.count++;
    out.acceptMs.push(times.acceptMs[w]);
    out.ackMs.push(times.ackMs[w]);
    for (let f = 0; f < followerCount; f++) out.receivedMs[f].push(times.receivedMs[f]?.[w] ?? Infinity);
  }
  return out;
}

/** The space-time diagram of a focused run, its violation highlighted. */
export function violationDiagram(focused: FocusedRun, options: { title?: string; width?: number } = {}): VegaLiteSpec {
  const v = focused.violation;
  const spec = spacetimeDiagram(focused.source, {
    fromMs: focused.fromMs,
    toMs: focused.toMs,
    violations: [v],
    maxOps: Math.max(60, focused.source.history.ops.length),
    width: options.width,
  });
  const title = spec.title as { text: string | string[]; subtitle?: string | string[] };
  // The violation's sentence can be long: wrapped under the title rather than cut off.
  title.text = options.title ?? focused.title ?? v.guarantee;
  const lines = wrap(v.message, 110);
  if (focused.outside.length > 0) lines.push(`also involved, outside this window: ${focused.outside.map((id) => `#${id}`).join(", ")}`);
  if (focused.omitted > 0) lines.push(`${focused.omitted} more operation(s) on these keys in this window are not drawn`);
  title.subtitle = [...lines, String(title.subtitle ?? "")].filter((line) => line !== "");
  return spec;
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  if (line !== "") lines.push(line);
  return lines;
}

/** The k-th write of the history is write number k of the run (both in invocation order). */
function writeNumbers(history: History): Map<number, number> {
  const byOp = new Map<number, number>();
  for (const op of history.ops) if (op.kind === "write") byOp.set(op.id, byOp.size);
  return byOp;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/**
 * A FocusedRun back from JSON (where Infinity became null or "Infinity"): checks its shape and
 * restores the times that never happened.
 */
export function parseFocused(value: unknown): FocusedRun {
  const f = value as FocusedRun;
  const h = f?.source?.history;
  if (!h || !Array.isArray(h.ops) || !Array.isArray(h.events) || !f.violation || !Array.isArray(f.violation.ops)) {
    throw new ConfigError("focused run", value, "it must be what focusRun returns");
  }
  if (!Array.isArray(f.outside)) f.outside = [];
  const t = (x: unknown): number => (typeof x === "number" ? x : Infinity);
  for (const op of h.ops) {
    op.completeMs = t(op.completeMs);
    if (op.kind === "write" && op.acceptedMs !== undefined) op.acceptedMs = t(op.acceptedMs);
  }
  const w = f.source.writes;
  if (w) {
    w.acceptMs = w.acceptMs.map(t);
    w.ackMs = w.ackMs.map(t);
    w.receivedMs = w.receivedMs.map((r) => r.map(t));
  }
  return f;
}

import type { History, NodeId, Violation, WriteOp } from "../history";
import { byTime, ms } from "./describe";
import { isPlaced } from "./writeOrder";

/** One node's time as leader in one epoch, with the writes it accepted then. */
interface Reign {
  node: NodeId;
  epoch: number;
  fromMs: number;
  untilMs: number;
  /** Accepted writes, by invoke time. */
  ids: number[];
  invokeMs: number[];
}

/**
 * Split brain: two different nodes accepted writes (appended them to their log, acknowledged or
 * not) during overlapping periods in which each held a leader epoch.
 *
 * A node holds epoch e from its `elected` event for e (or, without one, its first write in e, as
 * for the initial leader or a hand-built history) until its next `demoted` event (or the end of the
 * run: a leader that crashes and comes back still believes it leads). A write was accepted no
 * earlier than it was invoked, so a write invoked while both nodes held an epoch is evidence.
 * Fencing makes the storage layer reject the stale leader's writes (not accepted: no node, lsn 0),
 * which is why a fenced cluster reports nothing here.
 *
 * One violation per pair of overlapping reigns in which both nodes accepted writes: the window
 * from the first to the last such write, how many each accepted, and the closest pair of example
 * writes, older epoch first (ops [write on the older-epoch node, write on the other]). Pairs are
 * compared all against all, which is cheap because a run has few elections.
 */
export function splitBrain(h: History): Violation[] {
  const reigns = reignsOf(h);
  const violations: Violation[] = [];
  for (let i = 0; i < reigns.length; i++) {
    for (let j = i + 1; j < reigns.length; j++) {
      const [a, b] = reigns[i].epoch <= reigns[j].epoch ? [reigns[i], reigns[j]] : [reigns[j], reigns[i]];
      if (a.node === b.node) continue;
      const fromMs = Math.max(a.fromMs, b.fromMs);
      const untilMs = Math.min(a.untilMs, b.untilMs);
      if (fromMs > untilMs) continue;
      const inA = between(a.invokeMs, fromMs, untilMs);
      const inB = between(b.invokeMs, fromMs, untilMs);
      if (inA[0] === inA[1] || inB[0] === inB[1]) continue;
      const [ea, eb] = closestPair(a.invokeMs, inA, b.invokeMs, inB);
      const firstMs = Math.min(a.invokeMs[inA[0]], b.invokeMs[inB[0]]);
      const lastMs = Math.max(a.invokeMs[inA[1] - 1], b.invokeMs[inB[1] - 1]);
      violations.push({
        guarantee: "split-brain",
        ops: [a.ids[ea], b.ids[eb]],
        atMs: firstMs,
        message:
          `${a.node} (epoch ${a.epoch}) and ${b.node} (epoch ${b.epoch}) both accepted writes as leader ` +
          `between ${ms(firstMs)} and ${ms(lastMs)}: ${a.node} took ${inA[1] - inA[0]}, ${b.node} took ` +
          `${inB[1] - inB[0]}, e.g. ${example(h, a.ids[ea])} and ${example(h, b.ids[eb])}`,
      });
    }
  }
  return byTime(violations);
}

/**
 * `write 7 sent to L at 1043 ms (acknowledged at 1300 ms)`. The history has no time of acceptance,
 * only its bounds: the node took the write after it was sent and before it acknowledged it (a
 * paused leader takes queued writes when it wakes), so both are shown.
 */
function example(h: History, id: number): string {
  const w = h.ops[id] as WriteOp;
  const ack = !w.acknowledged ? " (never acknowledged)" : w.completeMs > w.invokeMs ? ` (acknowledged at ${ms(w.completeMs)})` : "";
  return `write ${id} sent to ${w.node} at ${ms(w.invokeMs)}${ack}`;
}

function reignsOf(h: History): Reign[] {
  const byNodeEpoch = new Map<string, Reign>();
  for (const op of h.ops) {
    if (op.kind !== "write" || !isPlaced(op)) continue;
    const node = op.node as NodeId;
    const name = `${node}\u0000${op.epoch}`;
    let reign = byNodeEpoch.get(name);
    if (reign === undefined) {
      reign = { node, epoch: op.epoch, fromMs: Infinity, untilMs: Infinity, ids: [], invokeMs: [] };
      byNodeEpoch.set(name, reign);
    }
    reign.ids.push(op.id);
  }
  const reigns = [...byNodeEpoch.values()];
  for (const reign of reigns) {
    reign.ids.sort((x, y) => h.ops[x].invokeMs - h.ops[y].invokeMs || x - y);
    reign.invokeMs = reign.ids.map((id) => h.ops[id].invokeMs);
    reign.fromMs = reign.invokeMs[0];
    for (const e of h.events) {
      if (e.kind === "elected" && e.node === reign.node && e.epoch === reign.epoch) {
        reign.fromMs = Math.min(reign.fromMs, e.atMs);
      }
    }
    for (const e of h.events) {
      if (e.kind === "demoted" && e.node === reign.node && e.atMs >= reign.fromMs && e.atMs < reign.untilMs) {
        reign.untilMs = e.atMs;
      }
    }
    // Writes are evidence the node still acted as leader, whatever the events say.
    reign.untilMs = Math.max(reign.untilMs, reign.invokeMs[reign.invokeMs.length - 1]);
  }
  return reigns;
}

/** The index range [start, end) of sorted `timesMs` within [fromMs, untilMs]. */
function between(timesMs: number[], fromMs: number, untilMs: number): [number, number] {
  return [lowerBound(timesMs, fromMs), upperBound(timesMs, untilMs)];
}

function lowerBound(xs: number[], x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function upperBound(xs: number[], x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Indices of the two writes, one from each range, closest in time: the clearest example. */
function closestPair(a: number[], ra: [number, number], b: number[], rb: [number, number]): [number, number] {
  let best: [number, number] = [ra[0], rb[0]];
  let bestGapMs = Infinity;
  let j = rb[0];
  for (let i = ra[0]; i < ra[1]; i++) {
    while (j + 1 < rb[1] && b[j + 1] <= a[i]) j++;
    for (const k of [j, j + 1]) {
      if (k >= rb[1]) continue;
      const gapMs = Math.abs(a[i] - b[k]);
      if (gapMs < bestGapMs) {
        bestGapMs = gapMs;
        best = [i, k];
      }
    }
  }
  return best;
}

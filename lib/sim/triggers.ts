/**
 * Faults started by protocol events (`triggers`, lib/triggers.ts): each fires once, the first time
 * its condition holds, and opens its fault window at that moment.
 *
 * Node faults opened this way live in the same per-node windows as configured ones, so every
 * query (down, crashed, slower) sees them; their ends are FAULT_END events numbered after the
 * configured faults. Partitions are added to the run's links.
 */
import { CURRENT_LEADER, type NormalizedTrigger } from "../triggers";
import { faultEndAt } from "./events";
import { downUntil, NO_FAULT } from "./faults";
import { addCut } from "./links";
import type { World } from "./world";

export interface TriggerRun {
  readonly list: readonly NormalizedTrigger[];
  fired: Uint8Array;
  /** Node faults opened so far: FAULT_END `cfg.faults.length + i` ends `opened[i]`. */
  opened: { node: number; kind: "crash" | "pause" | "slow" }[];
  readonly onAck: boolean;
  readonly onBehind: boolean;
}

export function createTriggers(w: World): TriggerRun | null {
  const list = w.cfg.triggers;
  if (list.length === 0) return null;
  return {
    list,
    fired: new Uint8Array(list.length),
    opened: [],
    onAck: list.some((t) => t.afterAckOf >= 0),
    onBehind: list.some((t) => t.behindFollower >= 0),
  };
}

/** The leader just told a client that `write` committed. */
export function afterAcknowledged(w: World, t: TriggerRun, write: number): void {
  if (!t.onAck) return;
  for (let i = 0; i < t.list.length; i++) {
    if (t.fired[i] === 0 && t.list[i].afterAckOf === write) fire(w, t, i);
  }
}

/** Leader `leader` just took an entry into its log: fire the triggers of followers now far enough behind. */
export function afterAccepted(w: World, t: TriggerRun, leader: number): void {
  if (!t.onBehind) return;
  const ahead = w.nodes[leader].log.length;
  for (let i = 0; i < t.list.length; i++) {
    const trig = t.list[i];
    if (t.fired[i] !== 0 || trig.behindFollower < 0 || trig.behindFollower === leader) continue;
    if (ahead - w.nodes[trig.behindFollower].log.length >= trig.behindWrites) fire(w, t, i);
  }
}

function fire(w: World, t: TriggerRun, i: number): void {
  t.fired[i] = 1;
  const f = t.list[i].fault;
  const until = w.now + f.forMs;
  if (f.kind === "partition") {
    addCut(w.links!, { fromMs: w.now, toMs: until, sides: f.sides, holdRequests: f.holdRequests });
    return;
  }
  const node = f.node === CURRENT_LEADER ? w.leader : f.node;
  // A node already down stays down; a second crash or pause window would start "the" outage twice.
  if (f.kind !== "slow" && downUntil(w, node, w.now) !== NO_FAULT) return;
  w.faultWins[node].push({ kind: f.kind, fromMs: w.now, toMs: until, factor: f.factor });
  const name = w.cfg.names[node];
  if (f.kind === "crash") w.events.push({ kind: "crash", atMs: w.now, node: name });
  if (f.kind === "pause") w.events.push({ kind: "pause", atMs: w.now, node: name, untilMs: until });
  if (f.kind !== "slow" && node === w.leader && Number.isNaN(w.leaderDownSince)) w.leaderDownSince = w.now;
  t.opened.push({ node, kind: f.kind });
  if (until < Infinity) faultEndAt(w, until, w.cfg.faults.length + t.opened.length - 1);
}

/** The node whose triggered fault FAULT_END `fault` ends, and whether it was a crash. */
export function triggeredFaultEnd(w: World, fault: number): { node: number; crash: boolean } {
  const opened = w.triggered!.opened[fault - w.cfg.faults.length];
  return { node: opened.node, crash: opened.kind === "crash" };
}

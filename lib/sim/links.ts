/**
 * Partitions at run time: which links are cut when, and what a cut does to a message.
 *
 * Every endpoint has a small integer: the nodes first (0 … n-1, as everywhere), then the
 * coordinator's members, the fencing storage's nodes, and the clients. A partition window gives
 * each endpoint it names a side; a link is cut while some window puts its two ends on different
 * sides. Windows come from `partitions` and from triggers (lib/sim/triggers.ts), which add them as
 * the run goes.
 *
 * Messages that travel over connections that retry (the replication stream, confirmations,
 * answers, the coordinator's news) are held: one sent across a cut, or due to arrive during one,
 * arrives when the link heals, as late as it would have been anyway. Heartbeats and, unless the
 * partition holds requests, clients' requests are lost.
 */
import type { NormalizedPartition } from "../partitions";
import type { World } from "./world";

/** `cutUntil`'s answer for a link that is open. */
export const NO_CUT = -1;

interface LinkWindow {
  fromMs: number;
  toMs: number;
  /** Per endpoint: its side, or -1 when the partition does not name it. */
  side: Int8Array;
  holdRequests: boolean;
}

export interface Links {
  windows: LinkWindow[];
  /** First endpoint number of each kind. */
  coordinatorBase: number;
  storageBase: number;
  clientBase: number;
  /** Endpoint numbers by name. */
  ids: Map<string, number>;
  size: number;
}

/** The links of a run, or null when it has no partition and no trigger that makes one. */
export function createLinks(w: World): Links | null {
  const cfg = w.cfg;
  if (cfg.partitions.length === 0 && !cfg.triggers.some((t) => t.fault.kind === "partition")) return null;
  const members = cfg.failover?.coordinator.members ?? [];
  const storage = cfg.failover?.fencing?.storage ?? [];
  const ids = new Map<string, number>();
  cfg.names.forEach((name, i) => ids.set(name, i));
  const coordinatorBase = w.n;
  members.forEach((name, i) => ids.set(name, coordinatorBase + i));
  const storageBase = coordinatorBase + members.length;
  storage.forEach((name, i) => ids.set(name, storageBase + i));
  const clientBase = storageBase + storage.length;
  w.clientNames.forEach((name, i) => ids.set(name, clientBase + i));
  const links: Links = { windows: [], coordinatorBase, storageBase, clientBase, ids, size: clientBase + w.clientNames.length };
  for (const p of cfg.partitions) addCut(links, p);
  return links;
}

/** Cuts the links between the sides of `p` from `p.fromMs` to `p.toMs`. */
export function addCut(links: Links, p: NormalizedPartition): void {
  const side = new Int8Array(links.size).fill(-1);
  p.sides.forEach((names, s) => {
    for (const name of names) {
      const id = links.ids.get(name);
      if (id !== undefined) side[id] = s;
    }
  });
  links.windows.push({ fromMs: p.fromMs, toMs: p.toMs, side, holdRequests: p.holdRequests });
}

/** True when `win` cuts the link between `a` and `b` at `t`. */
function cuts(win: LinkWindow, a: number, b: number, t: number): boolean {
  if (t < win.fromMs || t >= win.toMs) return false;
  const sa = win.side[a];
  const sb = win.side[b];
  return sa >= 0 && sb >= 0 && sa !== sb;
}

/** When the cut of the link between endpoints `a` and `b` that covers `t` heals (the latest, if several do), or NO_CUT. */
export function cutUntil(links: Links, a: number, b: number, t: number): number {
  let until = NO_CUT;
  for (const win of links.windows) if (cuts(win, a, b, t) && win.toMs > until) until = win.toMs;
  return until;
}

/** The first moment at or after `t` when the link between `a` and `b` is open (Infinity: never). */
export function openFrom(links: Links, a: number, b: number, t: number): number {
  let at = t;
  for (;;) {
    const until = cutUntil(links, a, b, at);
    if (until === NO_CUT) return at;
    if (until === Infinity) return Infinity;
    at = until;
  }
}

/** True when the link between `a` and `b` is open at `t`. */
export function linkOpen(links: Links, a: number, b: number, t: number): boolean {
  return cutUntil(links, a, b, t) === NO_CUT;
}

/**
 * When a held message sent at `sentMs` over the link `a`–`b`, due at `dueMs` on an open link,
 * arrives: sent across a cut, it leaves when the link heals; due during a cut, it arrives when
 * the link heals.
 */
export function heldArrival(links: Links, a: number, b: number, sentMs: number, dueMs: number): number {
  const leaves = openFrom(links, a, b, sentMs);
  if (leaves === Infinity) return Infinity;
  return openFrom(links, a, b, dueMs + (leaves - sentMs));
}

/** A message that is lost across a cut (a heartbeat): true when the link is cut when it is sent or when it would arrive. */
export function lost(links: Links, a: number, b: number, sentMs: number, dueMs: number): boolean {
  return !linkOpen(links, a, b, sentMs) || !linkOpen(links, a, b, dueMs);
}

/** Whether a client's request to a node that arrives across a cut waits for the link (else it is lost). */
export function requestsHeld(links: Links, a: number, b: number, t: number): boolean {
  return links.windows.every((win) => win.holdRequests || !cuts(win, a, b, t));
}

/** Endpoint numbers of the non-node endpoints. */
export const clientEndpoint = (links: Links, client: number): number => links.clientBase + client;
export const memberEndpoint = (links: Links, member: number): number => links.coordinatorBase + member;
export const storageEndpoint = (links: Links, shard: number): number => links.storageBase + shard;

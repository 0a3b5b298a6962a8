/**
 * Client reads: routed by the read-routing policy (lib/reads.ts), served by a node from what it has
 * applied, held or forwarded when the node is behind the position the router asked for.
 *
 * A read of several keys (a page) is split into parts, one per key; parts routed to the same node
 * travel in one request and see the same state there.
 */
import { closestKey } from "../config/check";
import { ConfigError } from "../errors";
import { ms } from "../format";
import type { ReadContext } from "../reads";
import { randomInt } from "../rng";
import { readArriveAt, readInvokeAt, readServeAt, RETRY, waitTimeoutAt } from "./events";
import { crashed, downUntil, NO_FAULT } from "./faults";
import { clientEndpoint, heldArrival, linkOpen, openFrom, requestsHeld } from "./links";
import { requestDelay, responseDelay } from "./network";
import { advance, appliedLsn } from "./replication";
import { exponentialGapMs, scriptCompleted, writeHorizon } from "./workload";
import { nextMemoryCheck, NOT_SEEN, type ReadPart, type ReadRec, type World } from "./world";

/** The read generator's next read: a random client reads its own last key or a random one. */
export function onReadInvoke(w: World): void {
  const cfg = w.cfg;
  w.readsDone = false;
  const horizon = writeHorizon(w);
  const next = w.now + exponentialGapMs(cfg.reads.readsPerSec, w.rReads);
  if (next <= horizon) readInvokeAt(w, next);
  else w.readsDone = true;
  const client = randomInt(w.rReads, cfg.workload.clients);
  let key = w.clientLastKey[client];
  if (key < 0 || w.rReads.next() >= cfg.reads.ownKeyShare) key = randomInt(w.rReads, cfg.workload.keys);
  startRead(w, client, [key]);
}

/** Starts a read of `keys` by `client`; returns its number. */
export function startRead(w: World, client: number, keys: number[], purpose?: string, label?: string): number {
  const r = w.reads.length;
  if (r === w.readMemoryCheckAt) {
    w.checkMemory(r);
    w.readMemoryCheckAt = nextMemoryCheck(r + 1);
  }
  const rec: ReadRec = { client, invokeMs: w.now, completeMs: Infinity, parts: [], pending: keys.length, lastDoneMs: -Infinity, purpose, label };
  w.reads.push(rec);
  // Keys of one page that go to the same node travel in one request: they arrive together and
  // see the same state there. Pages hold a few keys, so the earlier parts are scanned.
  for (let k = 0; k < keys.length; k++) {
    const p = w.parts.length;
    const part = route(w, r, client, keys[k], purpose);
    w.parts.push(part);
    let at = -1;
    for (let j = 0; j < k; j++) {
      const earlier = w.parts[rec.parts[j]];
      if (earlier.node === part.node) {
        at = w.arriveMs[j];
        break;
      }
    }
    if (at < 0) at = w.now + requestDelay(w);
    w.arriveMs[k] = at;
    rec.parts.push(p);
    readArriveAt(w, at, p, part.node, 0);
  }
  return r;
}

/** Asks the router where read `r`'s part for `key` goes. */
function route(w: World, r: number, client: number, key: number, purpose?: string): ReadPart {
  const view = w.clientView[client];
  const ctx: ReadContext = {
    client: w.clientNames[client],
    key: w.keyNames[key],
    purpose,
    nowMs: w.now,
    leader: w.cfg.names[view],
    followers: followerViews(w, view),
    session: w.sessions[client],
    random: w.routeRandom,
  };
  const d = w.router(ctx);
  if (typeof d === "string") {
    const node = w.cfg.names.indexOf(d);
    if (node < 0) badDecision(w, ctx, d, `it must return a node name (${w.cfg.names.join(", ")}) or { node, minLsn?, ifBehind? }`);
    return { read: r, key, node, minLsn: 0, ifBehind: "none", seen: NOT_SEEN };
  }
  if (d === null || typeof d !== "object" || Array.isArray(d)) badDecision(w, ctx, d, `it must return a node name (${w.cfg.names.join(", ")}) or { node, minLsn?, ifBehind? }`);
  for (const k of Object.keys(d)) {
    if (!DECISION_KEYS.includes(k)) {
      const guess = closestKey(k, DECISION_KEYS);
      badDecision(w, ctx, d, `it has no field "${k}"${guess ? ` (did you mean ${guess}?)` : ""}; a decision is { node, minLsn?, ifBehind? }`);
    }
  }
  const node = typeof d.node === "string" ? w.cfg.names.indexOf(d.node) : -1;
  if (node < 0) badDecision(w, ctx, d, `its node must be one of ${w.cfg.names.join(", ")}`);
  if (d.minLsn !== undefined && !(Number.isInteger(d.minLsn) && d.minLsn >= 0)) {
    badDecision(w, ctx, d, "its minLsn must be a log position: a whole number >= 0 (0: no requirement)");
  }
  if (d.ifBehind !== undefined && d.ifBehind !== "leader" && d.ifBehind !== "wait") badDecision(w, ctx, d, 'its ifBehind must be "leader" or "wait"');
  const minLsn = d.minLsn ?? 0;
  return { read: r, key, node, minLsn, ifBehind: minLsn > 0 ? (d.ifBehind ?? "leader") : "none", seen: NOT_SEEN };
}

const DECISION_KEYS: readonly string[] = ["node", "minLsn", "ifBehind"];

/** A router's answer the simulation cannot follow: a ConfigError naming `reads.routing`, the read, and what was returned. */
function badDecision(w: World, ctx: ReadContext, d: unknown, allowed: string): never {
  throw new ConfigError("reads.routing", d, `${allowed} (it returned this for client ${ctx.client}, key ${ctx.key}, at ${ms(w.now)})`);
}

function followerViews(w: World, leader: number): { name: string; up: boolean; appliedLsn: number; lagMs: number }[] {
  const out = [];
  for (let r = 0; r < w.n; r++) {
    if (r === leader) continue;
    out.push({ name: w.cfg.names[r], up: downUntil(w, r, w.now) === NO_FAULT, appliedLsn: appliedLsn(w, r), lagMs: lagMs(w, r, leader) });
  }
  return out;
}

/** How long ago the leader accepted the oldest entry `node` has not applied (0 when caught up). */
function lagMs(w: World, node: number, leader: number): number {
  const lst = w.nodes[leader];
  const applied = appliedLsn(w, node);
  if (applied >= lst.log.length) return 0;
  const first = lst.log.ids[applied];
  return w.now - w.acceptMs[first];
}

/** Read part `part` reaches `node`; `forwarded` 1 when the leader serves it on a follower's behalf. */
export function onReadArrive(w: World, part: number, node: number, forwarded: number): void {
  const rp = w.parts[part];
  if (w.links !== null) {
    const client = clientEndpoint(w.links, w.reads[rp.read].client);
    if (!linkOpen(w.links, client, node, w.now)) {
      // Across a partition the request waits for the link, or is lost: the client asks its leader after its timeout.
      const open = openFrom(w.links, client, node, w.now);
      if (requestsHeld(w.links, client, node, w.now) && open < Infinity) readArriveAt(w, open, part, node, forwarded ? 1 : 0);
      else {
        const leader = w.clientView[w.reads[rp.read].client];
        rp.node = leader;
        if (leader !== node || forwarded === 0) readArriveAt(w, w.now + w.cfg.clientTimeoutMs, part, leader, 1);
      }
      return;
    }
  }
  const until = downUntil(w, node, w.now);
  if (until !== NO_FAULT) {
    if (until === Infinity || crashed(w, node, w.now)) {
      // No answer: after a timeout the client asks its leader instead.
      const leader = w.clientView[w.reads[rp.read].client];
      rp.node = leader;
      readArriveAt(w, w.now + w.cfg.clientTimeoutMs, part, leader, RETRY);
    } else readArriveAt(w, until, part, node, forwarded ? 1 : 0);
    return;
  }
  if (rp.minLsn > 0 && forwarded === 0 && appliedLsn(w, node) < rp.minLsn) {
    if (rp.ifBehind === "wait") {
      const st = w.nodes[node];
      const idx = rp.minLsn - 1;
      if (idx < st.log.length) readServeAt(w, w.applyMs[node][st.log.ids[idx]], part, node);
      else {
        st.waiters.push([part, rp.minLsn]);
        waitTimeoutAt(w, w.now + w.cfg.clientTimeoutMs, part, node);
      }
      return;
    }
    forwardToLeader(w, part);
    return;
  }
  onReadServe(w, part, node);
}

/** The client sends read part `part` to the leader it knows instead. */
function forwardToLeader(w: World, part: number): void {
  const rp = w.parts[part];
  const leader = w.clientView[w.reads[rp.read].client];
  rp.node = leader;
  readArriveAt(w, w.now + requestDelay(w), part, leader, 1);
}

/** Entry `lsn` becomes visible on `node` at `visibleAt`: serve the reads waiting for it then. */
export function wakeWaiters(w: World, node: number, lsn: number, visibleAt: number): void {
  const st = w.nodes[node];
  const keep: [number, number][] = [];
  for (const wt of st.waiters) {
    if (wt[1] <= lsn) readServeAt(w, visibleAt, wt[0], node);
    else keep.push(wt);
  }
  st.waiters = keep;
}

/** A read waiting on a follower that crashed meanwhile gives up and asks the leader. */
export function onWaitTimeout(w: World, part: number, node: number): void {
  if (w.parts[part].seen !== NOT_SEEN) return;
  if (!crashed(w, node, w.now)) {
    waitTimeoutAt(w, w.now + w.cfg.clientTimeoutMs, part, node);
    return;
  }
  const st = w.nodes[node];
  st.waiters = st.waiters.filter((wt) => wt[0] !== part);
  forwardToLeader(w, part);
}

/** `node` answers read part `part` with what it has applied now. */
export function onReadServe(w: World, part: number, node: number): void {
  const rp = w.parts[part];
  if (rp.seen !== NOT_SEEN) return; // already answered
  advance(w, node);
  rp.node = node;
  const id = w.nodes[node].state[rp.key];
  rp.seen = id;
  w.readsServedBy[node]++;
  const rec = w.reads[rp.read];
  let done = w.now + responseDelay(w);
  if (w.links !== null) done = heldArrival(w.links, node, clientEndpoint(w.links, rec.client), w.now, done);
  const s = w.sessions[rec.client];
  s.lastReadNode = w.cfg.names[node];
  if (id >= 0 && w.lsn[id] > s.lastReadLsn) s.lastReadLsn = w.lsn[id];
  if (done > rec.lastDoneMs) rec.lastDoneMs = done;
  if (--rec.pending === 0) {
    rec.completeMs = rec.lastDoneMs;
    const si = w.readScriptIndex.get(rp.read);
    if (si !== undefined) scriptCompleted(w, si, rec.completeMs);
  }
}

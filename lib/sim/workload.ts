/**
 * The workload: open-loop writes (Poisson or evenly spaced, with bursts), closed-loop clients that
 * write, wait and think, scripted operations, and the generated reads' clock.
 *
 * Arrivals and keys draw from the `workload` stream, generated reads from `reads`: changing one
 * never reshuffles the other, nor the network.
 */
import { sampler } from "../dist";
import { randomInt, type Rng } from "../rng";
import { readInvokeAt, scriptOpAt, writeArriveAt, writeInvokeAt, WRITE_INVOKE } from "./events";
import { onWriteArrive } from "./replication";
import { startRead } from "./reads";
import { requestDelay } from "./network";
import type { World } from "./world";

/** A gap between Poisson arrivals at `perSec` a second, in ms. */
export function exponentialGapMs(perSec: number, rng: Rng): number {
  return (-1000 / perSec) * Math.log(rng.next());
}

/** Queues the workload's first events: the open-loop generator, closed-loop clients, the script and the read generator. */
export function startWorkload(w: World): void {
  const wl = w.cfg.workload;
  if (wl.writes > 0) {
    const first = nextOpenArrival(w, 0);
    if (first < Infinity) writeInvokeAt(w, first, 0);
  }
  if (wl.closedLoop && wl.closedLoop.writesPerClient > 0) {
    w.closedLeft = wl.closedLoop.clients;
    for (let c = 0; c < wl.closedLoop.clients; c++) writeInvokeAt(w, 0, 1 + c);
  }
  w.readsDone = w.cfg.reads.readsPerSec === 0;
  wl.script.forEach((op, i) => {
    if (op.afterOp === undefined) scriptOpAt(w, op.atMs, i);
  });
  if (w.cfg.reads.readsPerSec > 0) readInvokeAt(w, exponentialGapMs(w.cfg.reads.readsPerSec, w.rReads));
}

/** The open-loop write rate at `t`: a burst's, or the base rate. */
function rateAt(w: World, t: number): number {
  const bursts = w.cfg.workload.bursts;
  for (let i = 0; i < bursts.length; i++) if (t >= bursts[i].fromMs && t < bursts[i].toMs) return bursts[i].writesPerSec;
  return w.cfg.workload.writesPerSec;
}

/** When the next open-loop write after `t` arrives. */
export function nextOpenArrival(w: World, t: number): number {
  const wl = w.cfg.workload;
  if (wl.bursts.length === 0) {
    return t + (wl.arrival === "fixed" ? 1000 / wl.writesPerSec : exponentialGapMs(wl.writesPerSec, w.rWork));
  }
  // Piecewise-constant rate: draw from the current rate; if the gap crosses a rate boundary,
  // restart from the boundary (memorylessness makes this exact for Poisson arrivals).
  // A pause (a rate of 0) draws nothing and resumes at its end; one without an end ends the writes.
  let now = t;
  for (;;) {
    const rate = rateAt(w, now);
    const boundary = nextBoundary(w, now);
    if (rate === 0) {
      if (boundary === Infinity) return Infinity;
      now = boundary;
      continue;
    }
    const gap = wl.arrival === "fixed" ? 1000 / rate : exponentialGapMs(rate, w.rWork);
    if (now + gap <= boundary) return now + gap;
    now = boundary;
  }
}

function nextBoundary(w: World, t: number): number {
  let b = Infinity;
  for (const x of w.cfg.workload.bursts) {
    if (x.fromMs > t && x.fromMs < b) b = x.fromMs;
    if (x.toMs > t && x.toMs < b) b = x.toMs;
  }
  return b;
}

/** A generated write: `slot` 0 from the open-loop generator (which schedules the next), `1 + c` from closed-loop client c. */
export function onWriteInvoke(w: World, slot: number): void {
  const wl = w.cfg.workload;
  let client: number;
  if (slot === 0) {
    const i = w.openGenerated++;
    client = i % wl.clients;
    if (w.openGenerated < wl.writes) {
      const next = nextOpenArrival(w, w.now);
      // writeInvokeAt (events.ts), written out: a write's hot path, where a call of its own is
      // compiled on its own too (see network.ts); so is the key's draw below.
      if (next < Infinity && (wl.durationMs === undefined || next <= wl.durationMs)) w.q.push(next, WRITE_INVOKE, 0);
      else w.openGenerated = wl.writes;
    }
  } else {
    client = slot - 1;
  }
  // The key: no draw when there is one (the recurrence draws it so too).
  const id = w.newWrite(client, wl.keys === 1 ? 0 : randomInt(w.rWork, wl.keys));
  if (slot !== 0) w.wScript[id] = -slot; // closed-loop marker: the client continues on completion
  sendWrite(w, id);
}

/** The client sends `write` to the node it believes leads. */
function sendWrite(w: World, write: number): void {
  const target = w.clientView[w.wClient[write]];
  if (w.instantClient) onWriteArrive(w, write, target);
  else writeArriveAt(w, w.now + requestDelay(w), write, target);
}

/** The client of `write` learned its outcome at `t`: a closed-loop client thinks and writes again; a script moves on. */
export function onWriteDone(w: World, write: number, t: number): void {
  const slot = w.wScript[write];
  if (slot < 0) {
    const cl = w.cfg.workload.closedLoop!;
    const client = -slot - 1;
    const done = (w.closedWrites[client] = (w.closedWrites[client] ?? 0) + 1);
    if (done < cl.writesPerClient) writeInvokeAt(w, t + sampler(cl.thinkMs)(w.rWork), client + 1);
    else w.closedLeft--;
  } else if (slot > 0) {
    scriptCompleted(w, slot - 1, t);
  }
}

/** Scripted operation `op` starts. */
export function onScriptOp(w: World, op: number): void {
  const s = w.cfg.workload.script[op];
  const client = w.clientIds.get(s.client)!;
  if (s.kind === "write") {
    const id = w.newWrite(client, w.keyIds.get(s.key)!);
    w.wScript[id] = op + 1;
    w.wValue[id] = s.value;
    if (s.label !== undefined) w.scriptWrite.set(s.label, id);
    if (s.dependsOn) w.wDeps[id] = s.dependsOn.map((l) => w.scriptWrite.get(l)!).filter((x) => x !== undefined);
    sendWrite(w, id);
  } else {
    const r = startRead(
      w,
      client,
      s.keys.map((k) => w.keyIds.get(k)!),
      s.purpose,
      s.label ?? `#${op}`,
    );
    w.readScriptIndex.set(r, op);
  }
}

/** Scripted operation `op` completed at `t`: start the operations waiting for it. */
export function scriptCompleted(w: World, op: number, t: number): void {
  if (!Number.isNaN(w.scriptDone[op])) return;
  w.scriptDone[op] = t;
  const label = w.cfg.workload.script[op].label;
  if (label === undefined) return;
  const script = w.cfg.workload.script;
  for (const j of scriptAfter(w).get(label) ?? []) scriptOpAt(w, (Number.isFinite(t) ? t : w.now) + script[j].atMs, j);
}

/** Script indices by the label they wait for (`afterOp`), in script order; built on first use. */
function scriptAfter(w: World): Map<string, number[]> {
  if (w.afterIndex) return w.afterIndex;
  const index = new Map<string, number[]>();
  w.cfg.workload.script.forEach((op, j) => {
    if (op.afterOp === undefined) return;
    const list = index.get(op.afterOp);
    if (list) list.push(j);
    else index.set(op.afterOp, [j]);
  });
  return (w.afterIndex = index);
}

/** Generated reads stop when the generated writes stop (or at durationMs). */
export function writeHorizon(w: World): number {
  const wl = w.cfg.workload;
  if (wl.durationMs !== undefined) return wl.durationMs;
  if (wl.writes > 0) return w.openGenerated >= wl.writes ? w.now : Infinity;
  if (wl.closedLoop) return w.closedLeft > 0 ? Infinity : w.now;
  let t = 0;
  for (const op of wl.script) t = Math.max(t, op.atMs);
  return t;
}

/** Every generator has finished and every scripted operation has completed. */
export function workloadDone(w: World): boolean {
  const wl = w.cfg.workload;
  return (w.openGenerated >= wl.writes || wl.writes === 0) && w.readsDone && w.closedLeft === 0 && w.scriptDone.every((d) => !Number.isNaN(d));
}

/**
 * Faults: windows of time in which a node is slow, paused or crashed.
 *
 * A fault is data (`config.faults`, or the crash `failover.crashLeader` makes) kept per node as
 * windows; the rest of the simulation asks the queries below (is the node down, crashed, how much
 * slower) rather than looking at windows itself. A new kind of fault is a new `FaultWindow.kind`
 * with its meaning in these queries, its start and end in `onFaultStart`/`onFaultEnd`, and its
 * checks in the configuration.
 */
import { sampler } from "../dist";
import { faultEndAt, faultStartAt, heartbeatSendAt, stepDownAt } from "./events";
import { triggeredFaultEnd } from "./triggers";
import type { World } from "./world";

/** `downUntil`'s answer for a node that is up. */
export const NO_FAULT = -1;

/** End of the pause or crash window covering `t` on `node`, or NO_FAULT. */
export function downUntil(w: World, node: number, t: number): number {
  const wins = w.faultWins[node];
  for (let i = 0; i < wins.length; i++) {
    const f = wins[i];
    if (f.kind !== "slow" && t >= f.fromMs && t < f.toMs) return f.toMs;
  }
  return NO_FAULT;
}

/** True while `node` is crashed at `t` (a pause does not count: the node resumes where it was). */
export function crashed(w: World, node: number, t: number): boolean {
  const wins = w.faultWins[node];
  for (let i = 0; i < wins.length; i++) {
    const f = wins[i];
    if (f.kind === "crash" && t >= f.fromMs && t < f.toMs) return true;
  }
  return false;
}

/** How many times slower messages to and from `node` are at `t` (1: normal). */
export function slowFactor(w: World, node: number, t: number): number {
  const wins = w.faultWins[node];
  let factor = 1;
  for (let i = 0; i < wins.length; i++) {
    const f = wins[i];
    if (f.kind === "slow" && t >= f.fromMs && t < f.toMs) factor *= f.factor;
  }
  return factor;
}

/** Lays out the configured faults as windows and schedules their starts and ends. */
export function scheduleFaults(w: World): void {
  w.cfg.faults.forEach((f, i) => {
    w.faultWins[f.node].push({ kind: f.kind, fromMs: f.fromMs, toMs: f.toMs, factor: f.factor });
    faultStartAt(w, f.fromMs, i);
    if (f.toMs < Infinity) faultEndAt(w, f.toMs, i);
  });
}

export function onFaultStart(w: World, fault: number): void {
  const f = w.cfg.faults[fault];
  if (f.kind === "crash") w.events.push({ kind: "crash", atMs: w.now, node: w.cfg.names[f.node] });
  if (f.kind === "pause") w.events.push({ kind: "pause", atMs: w.now, node: w.cfg.names[f.node], untilMs: f.toMs });
  if (f.kind !== "slow" && f.node === w.leader && Number.isNaN(w.leaderDownSince)) w.leaderDownSince = w.now;
}

export function onFaultEnd(w: World, fault: number): void {
  if (fault >= w.cfg.faults.length) {
    // The end of a fault a trigger started (triggers.ts).
    const { node, crash } = triggeredFaultEnd(w, fault);
    if (crash) w.events.push({ kind: "recover", atMs: w.now, node: w.cfg.names[node] });
    onNodeBack(w, node);
    return;
  }
  if (fault < 0) {
    // The end of a leader crash made by failover.crashLeader.
    const node = -1 - fault;
    w.events.push({ kind: "recover", atMs: w.now, node: w.cfg.names[node] });
    onNodeBack(w, node);
    return;
  }
  const f = w.cfg.faults[fault];
  if (f.kind === "crash") w.events.push({ kind: "recover", atMs: w.now, node: w.cfg.names[f.node] });
  onNodeBack(w, f.node);
}

function onNodeBack(w: World, node: number): void {
  if (downUntil(w, node, w.now) !== NO_FAULT) return;
  if (node === w.leader && !Number.isNaN(w.leaderDownSince) && w.nodes[node].believesLeader) {
    w.outageMs += w.now - w.leaderDownSince;
    w.leaderDownSince = NaN;
  }
  const st = w.nodes[node];
  const fo = w.cfg.failover;
  // A leader that was silent resumes heartbeats; the coordinator ignores them if it was deposed.
  if (st.believesLeader && fo) heartbeatSendAt(w, w.now, node, st.epoch);
  // A deposed leader learns of the new epoch some time after it runs again.
  if (st.believesLeader && st.epoch < w.epoch && fo) stepDownAt(w, w.now + sampler(fo.stepDownAfterMs)(w.rFaults), node);
}

/** `failover.crashLeader`: whoever leads now crashes, until `oldLeaderReturnsAtMs`. */
export function onCrashLeader(w: World): void {
  const fo = w.cfg.failover!;
  const node = w.leader;
  if (crashed(w, node, w.now)) return;
  w.faultWins[node].push({ kind: "crash", fromMs: w.now, toMs: fo.returnsAtMs, factor: 1 });
  w.events.push({ kind: "crash", atMs: w.now, node: w.cfg.names[node] });
  if (Number.isNaN(w.leaderDownSince)) w.leaderDownSince = w.now;
  if (fo.returnsAtMs < Infinity) faultEndAt(w, fo.returnsAtMs, -1 - node);
}

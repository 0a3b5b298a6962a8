/**
 * Budgets for one run: events handled, memory of its tables, virtual time. A run that would go past
 * one stops with a ConfigError naming the limit (`limits.maxEvents`, …), what reached it and how to
 * raise it, rather than hanging or running out of memory. What can be known before the run starts
 * (the writes a workload asks for, a duration) is checked up front.
 */
import { getHeapStatistics } from "node:v8";
import { ConfigError, checkNumber } from "../errors";
import { checkOptionalOptions } from "./check";
import type { LimitsConfig, Normalized, SimConfig } from "./types";

export const DEFAULT_LIMITS: Readonly<Required<LimitsConfig>> = Object.freeze({ maxEvents: 100_000_000, memoryMb: 2048, maxVirtualMs: 1e10 });
const LIMIT_KEYS = Object.keys(DEFAULT_LIMITS) as (keyof LimitsConfig)[];

export function normalizeLimits(c: SimConfig): Required<LimitsConfig> {
  checkOptionalOptions("limits", c.limits, LIMIT_KEYS);
  const l = c.limits ?? {};
  return {
    maxEvents: l.maxEvents === undefined ? DEFAULT_LIMITS.maxEvents : checkNumber("limits.maxEvents", l.maxEvents, 1, Infinity, "it must be a number of events >= 1"),
    memoryMb: l.memoryMb === undefined ? DEFAULT_LIMITS.memoryMb : checkNumber("limits.memoryMb", l.memoryMb, 1, Infinity, "it must be a size in MB >= 1"),
    maxVirtualMs: l.maxVirtualMs === undefined ? DEFAULT_LIMITS.maxVirtualMs : checkNumber("limits.maxVirtualMs", l.maxVirtualMs, 1, Infinity, "it must be a time in ms >= 1"),
  };
}

/** Bytes one write takes in the run's tables with `nodes` nodes (typed arrays and log entries), and in the history. */
function bytesPerWrite(nodes: number, history: boolean): number {
  return 66 + 24 * nodes + (history ? 250 : 0);
}

/** Bytes one read takes (its record, one part, and its history entry). */
function bytesPerRead(history: boolean): number {
  return 250 + (history ? 300 : 0);
}

/** The run's estimated memory, in MB, with `writes` writes, `reads` reads, and `other` more events queued or recorded. */
export function estimatedMb(cfg: Normalized, writes: number, reads: number, other = 0): number {
  return (writes * bytesPerWrite(cfg.names.length, cfg.recordHistory) + reads * bytesPerRead(cfg.recordHistory) + other * BYTES_PER_EVENT) / (1 << 20);
}

/** An event in the queue or in the history's cluster events, roughly. */
const BYTES_PER_EVENT = 100;

const fmt = (n: number) => (n >= 1e7 ? n.toExponential(2) : Math.round(n).toLocaleString("en-US"));

/**
 * The share of this process's JavaScript heap that one run's estimate may take. A run's peak heap
 * is up to half as much again as its estimate (the estimate counts what the run keeps, not the
 * garbage between collections), and the heap holds more than the run: past this share, Node would
 * stop the whole process (a notebook's kernel with it) with "heap out of memory".
 */
export const HEAP_SHARE = 0.5;

/** This process's heap limit in MB: `node --max-old-space-size`, or Node's default for the machine's memory. */
export function heapLimitMb(): number {
  return getHeapStatistics().heap_size_limit / (1 << 20);
}

/** The memory a run may take, MB: `limits.memoryMb`, or HEAP_SHARE of this process's heap when that is less. */
export function memoryBudgetMb(cfg: Normalized): number {
  return Math.min(cfg.limits.memoryMb, HEAP_SHARE * heapLimitMb());
}

/** Throws when the run reaches its memory budget: `writes`, `reads` and `other` events so far (or expected, `upFront`). */
export function memoryExceeded(cfg: Normalized, writes: number, reads: number, upFront: string | null, other = 0): never {
  const mb = estimatedMb(cfg, writes, reads, other);
  const what = upFront ?? `the run reached ${fmt(writes)} writes, ${fmt(reads)} reads and ${fmt(other)} queued or recorded cluster events`;
  const heapMb = heapLimitMb();
  const why =
    HEAP_SHARE * heapMb < cfg.limits.memoryMb
      ? `more than this process can hold: its JavaScript heap is limited to ${fmt(heapMb)} MB, and a run may take at most ${Math.round(HEAP_SHARE * 100)}% of it (${fmt(HEAP_SHARE * heapMb)} MB), or Node would stop the whole process. Simulate fewer operations (a lower rate, fewer writes, a shorter duration), or give Node a larger heap if the machine has the memory: NODE_OPTIONS=--max-old-space-size=${Math.ceil((mb * 1.5) / HEAP_SHARE)} in the environment of the process (for a notebook, of \`npm start\`, then restart the kernel)`
      : `past this budget. Simulate fewer operations (a lower rate, fewer writes, a shorter duration), or raise the budget if the machine has the memory: limits: { memoryMb: ${Math.ceil(mb * 1.5)} }`;
  throw new ConfigError("limits.memoryMb", cfg.limits.memoryMb, `${what}, about ${fmt(mb)} MB, ${why}`);
}

/** Checks, before the run, the writes and reads its workload will make, where they can be known. */
export function checkUpFront(cfg: Normalized): void {
  const w = cfg.workload;
  const limits = cfg.limits;
  if (w.durationMs !== undefined && w.durationMs > limits.maxVirtualMs) {
    throw new ConfigError(
      "limits.maxVirtualMs",
      limits.maxVirtualMs,
      `workload.durationMs (${w.durationMs} ms) runs past this budget of virtual time; raise it if you meant it: limits: { maxVirtualMs: ${w.durationMs * 2} }`,
    );
  }
  // Open-loop writes: the count given, or the rate (bursts at their own rates) over the duration.
  let writes = w.writes === Number.MAX_SAFE_INTEGER ? 0 : w.writes;
  let spanMs = w.writes > 0 && w.writes < Number.MAX_SAFE_INTEGER ? (w.writes / w.writesPerSec) * 1000 : 0;
  if (w.durationMs !== undefined) {
    let byRate = (w.writesPerSec * w.durationMs) / 1000;
    for (const b of w.bursts) {
      const overlap = Math.max(0, Math.min(b.toMs, w.durationMs) - Math.min(b.fromMs, w.durationMs));
      byRate += ((b.writesPerSec - w.writesPerSec) * overlap) / 1000;
    }
    writes = Math.min(w.writes, Math.max(0, byRate));
    spanMs = w.durationMs;
  }
  writes += w.script.length + (w.closedLoop ? w.closedLoop.clients * w.closedLoop.writesPerClient : 0);
  const reads = (cfg.reads.readsPerSec * spanMs) / 1000;
  if (estimatedMb(cfg, writes, reads) > memoryBudgetMb(cfg)) {
    const parts = [`about ${fmt(writes)} writes`];
    if (reads > 0) parts.push(`${fmt(reads)} reads (reads.readsPerSec ${cfg.reads.readsPerSec} over ${fmt(spanMs)} ms)`);
    memoryExceeded(cfg, writes, reads, `the workload asks for ${parts.join(" and ")}`);
  }
}

/** Throws when the event loop has handled `limits.maxEvents` events. */
export function eventsExceeded(cfg: Normalized, events: number, nowMs: number): never {
  throw new ConfigError(
    "limits.maxEvents",
    cfg.limits.maxEvents,
    `the run handled ${fmt(events)} events and reached ${fmt(nowMs)} ms of virtual time without finishing. A rate of millions a second, or a failure detector that suspects the leader at every heartbeat, does that. Check the rates and timeouts, or raise the budget: limits: { maxEvents: ${fmt(cfg.limits.maxEvents * 10)} }`,
  );
}

/** Throws when virtual time passes `limits.maxVirtualMs`. */
export function virtualTimeExceeded(cfg: Normalized, nowMs: number): never {
  throw new ConfigError(
    "limits.maxVirtualMs",
    cfg.limits.maxVirtualMs,
    `the run's clock reached ${fmt(nowMs)} ms of virtual time without finishing (a very slow rate, or delays of days?). Check the rates and delays, or raise the budget: limits: { maxVirtualMs: ${fmt(Math.max(nowMs, cfg.limits.maxVirtualMs) * 10)} }`,
  );
}

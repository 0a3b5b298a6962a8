/**
 * How stale each read was, in milliseconds, and per read purpose: the measure behind "which reads
 * tolerate which staleness".
 *
 * `staleReads` says whether a read missed an acknowledged write; this says for how long the value
 * it returned had already been out of date. A read of key k invoked at t that returned write w is
 * stale by t − (the acknowledgement time of the first acknowledged write to k that is newer than w
 * and was acknowledged by t); it is not stale when there is none. A read with a staleness limit of
 * X ms (a serving node may use an old model for at most 100 ms after a promotion) breaks it exactly
 * when it is stale by X ms or more; a limit of 0 allows no stale read at all (a read at the very
 * moment a write is acknowledged is stale by 0 ms when it misses it).
 *
 * Newer is the log order of `writeOrder` (epoch, then log position). Acknowledged writes that a
 * failover later lost are left out: `lostWrites` reports them, and after the election nobody can
 * read them anyway.
 */
import { writeOrder, seenKeyId, seenRank, type WriteOrder } from "./checkers/writeOrder";
import { ConfigError, checkNumber } from "./errors";
import type { History, NodeId } from "./history";
import { quantileSorted, sorted } from "./stats";

/** One key of one read, and how long the value it returned had been out of date. */
export interface ReadStaleness {
  /** The read's op id. */
  read: number;
  /** The read's purpose, or "background" for reads without one. */
  operation: string;
  key: string;
  node: NodeId;
  invokeMs: number;
  /** True when an acknowledged write newer than the value returned was acknowledged by the read's start. */
  stale: boolean;
  /** How long that write had been acknowledged when the read began (0 when not stale). */
  stalenessMs: number;
}

/** Acknowledged, surviving writes of one key, by acknowledgement time, with the running maximum of their ranks. */
interface KeyWrites {
  ackMs: number[];
  maxRankSoFar: number[];
}

/** Every (read, key) of `h` with its staleness in ms. */
export function readStaleness(h: History, order: WriteOrder = writeOrder(h)): ReadStaleness[] {
  const byKey: KeyWrites[] = [];
  const acked = h.ops
    .filter((op) => op.kind === "write" && op.acknowledged && order.currentUntilMs[op.id] === Infinity)
    .sort((a, b) => a.completeMs - b.completeMs || a.id - b.id);
  for (const w of acked) {
    const key = order.keyOf[w.id];
    const k = (byKey[key] ??= { ackMs: [], maxRankSoFar: [] });
    const before = k.maxRankSoFar.length ? k.maxRankSoFar[k.maxRankSoFar.length - 1] : -Infinity;
    k.ackMs.push(w.completeMs);
    k.maxRankSoFar.push(Math.max(before, order.rank[w.id]));
  }
  const out: ReadStaleness[] = [];
  for (const op of h.ops) {
    if (op.kind !== "read") continue;
    for (const seen of op.observed) {
      const key = seenKeyId(order, seen);
      const k = key === -1 ? undefined : byKey[key];
      let stale = false;
      let stalenessMs = 0;
      if (k !== undefined) {
        // The first write, by ack time, ranked above what was seen: where the running max first exceeds it.
        const rank = seenRank(order, seen.writeId);
        let lo = 0;
        let hi = k.maxRankSoFar.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (k.maxRankSoFar[mid] > rank) hi = mid;
          else lo = mid + 1;
        }
        if (lo < k.ackMs.length && k.ackMs[lo] <= op.invokeMs) {
          stale = true;
          stalenessMs = op.invokeMs - k.ackMs[lo];
        }
      }
      out.push({ read: op.id, operation: op.purpose ?? "background", key: seen.key, node: seen.node, invokeMs: op.invokeMs, stale, stalenessMs });
    }
  }
  return out;
}

/** One row of `stalenessByOperation`. */
export interface OperationStaleness {
  operation: string;
  /** Keys read (a page of several keys counts each). */
  reads: number;
  /** Share of them the final leader served, in %. */
  leaderSharePct: number;
  /** Share that returned an out-of-date value, in %. */
  stalePct: number;
  stalenessMsP50: number;
  stalenessMsP99: number;
  stalenessMsMax: number;
  /** With `limitsMs`: share of reads stale by this operation's limit or more, in %. */
  overLimitPct?: number;
}

/**
 * Per read purpose: how many reads, the leader's share, how many were stale and by how much. With
 * `limitsMs` (purpose to the most staleness it tolerates, in ms), also the share over that limit.
 */
export function stalenessByOperation(h: History, limitsMs: Record<string, number> = {}): OperationStaleness[] {
  if (limitsMs === null || typeof limitsMs !== "object") throw new ConfigError("limitsMs", limitsMs, 'it must map read purposes to ms, e.g. { "serve-model": 100 }');
  for (const [op, limit] of Object.entries(limitsMs)) {
    if (typeof limit !== "number" || !(limit >= 0)) throw new ConfigError(`limitsMs["${op}"]`, limit, "it must be a number of ms >= 0");
  }
  const leader = h.finalLeader ?? "L";
  const groups = new Map<string, ReadStaleness[]>();
  for (const r of readStaleness(h)) {
    let g = groups.get(r.operation);
    if (g === undefined) groups.set(r.operation, (g = []));
    g.push(r);
  }
  const pct = (part: number, whole: number) => Math.round((1000 * part) / Math.max(1, whole)) / 10;
  return [...groups.entries()].map(([operation, rs]) => {
    const ms = sorted(rs.map((r) => r.stalenessMs));
    const limit = limitsMs[operation];
    return {
      operation,
      reads: rs.length,
      leaderSharePct: pct(rs.filter((r) => r.node === leader).length, rs.length),
      stalePct: pct(rs.filter((r) => r.stale).length, rs.length),
      stalenessMsP50: quantileSorted(ms, 0.5),
      stalenessMsP99: quantileSorted(ms, 0.99),
      stalenessMsMax: ms[ms.length - 1],
      ...(limit !== undefined ? { overLimitPct: pct(rs.filter((r) => r.stale && r.stalenessMs >= limit).length, rs.length) } : {}),
    };
  });
}

/** One time bin of `stalenessOverTime`. */
export interface StalenessBin {
  /** Start of the bin, ms. */
  tMs: number;
  reads: number;
  staleReads: number;
  /** The stalest read invoked in the bin (0 when none was stale). */
  stalenessMsMax: number;
  /** Reads the final leader served. */
  leaderReads: number;
}

/** The reads with one purpose (all reads without `operation`), in bins of `binMs` by invoke time. */
export function stalenessOverTime(h: History, o: { binMs: number; operation?: string }): StalenessBin[] {
  const binMs = checkNumber("binMs", o?.binMs, Number.MIN_VALUE, 1e9, "it must be a bin width > 0 ms");
  const leader = h.finalLeader ?? "L";
  const bins: StalenessBin[] = [];
  for (const r of readStaleness(h)) {
    if (o.operation !== undefined && r.operation !== o.operation) continue;
    const i = Math.floor(r.invokeMs / binMs);
    while (bins.length <= i) bins.push({ tMs: bins.length * binMs, reads: 0, staleReads: 0, stalenessMsMax: 0, leaderReads: 0 });
    const b = bins[i];
    b.reads++;
    if (r.stale) b.staleReads++;
    if (r.stalenessMs > b.stalenessMsMax) b.stalenessMsMax = r.stalenessMs;
    if (r.node === leader) b.leaderReads++;
  }
  return bins;
}

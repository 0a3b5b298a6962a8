/**
 * What a fault cost, in the three terms a failover contract is written in: acknowledged writes
 * lost, writes acknowledged by a leader that had already been replaced (split brain), and how long
 * the cluster went without acknowledging a write that lasts.
 */
import { lostWrites } from "./checkers";
import { checkNumber } from "./errors";
import type { History, WriteOp } from "./history";
import { leaderAt } from "./leadership";

export interface FailoverContract {
  /** Writes acknowledged to their client and missing from the final log. */
  ackedWritesLost: number;
  /** Writes a node acknowledged while another node had been elected for a newer epoch. */
  ackedByDeposedLeader: number;
  /**
   * The longest stretch, from the fault on, in which no write sent after the fault was
   * acknowledged and kept (from the fault to the first such acknowledgement, or between two);
   * Infinity when none was. Writes a deposed leader acknowledged and lost do not end it.
   */
  outageMs: number;
  /** Writes sent after the fault that were not acknowledged. */
  failedWrites: number;
  /** Elections in the run. */
  failovers: number;
}

/** The contract terms of `history`, for a fault that started at `faultAtMs`. */
export function failoverContract(history: History, faultAtMs: number): FailoverContract {
  checkNumber("faultAtMs", faultAtMs, 0, Infinity, "it must be the time the fault started, in ms");
  const survived = new Set(history.finalLog);
  const leader = leaderAt(history);
  const electedEpochAt = (t: number) => {
    let epoch = 1;
    for (const e of history.events) if (e.kind === "elected" && e.atMs <= t && e.epoch > epoch) epoch = e.epoch;
    return epoch;
  };
  let deposed = 0;
  let failed = 0;
  const lasting: number[] = [];
  for (const op of history.ops) {
    if (op.kind !== "write") continue;
    const w = op as WriteOp;
    if (w.acknowledged && w.node !== null && w.node !== leader(w.completeMs) && w.epoch < electedEpochAt(w.completeMs)) deposed++;
    if (w.invokeMs < faultAtMs) continue;
    if (!w.acknowledged) failed++;
    else if (survived.has(w.id)) lasting.push(w.completeMs);
  }
  lasting.sort((a, b) => a - b);
  let outageMs = lasting.length === 0 ? Infinity : lasting[0] - faultAtMs;
  for (let i = 1; i < lasting.length; i++) outageMs = Math.max(outageMs, lasting[i] - lasting[i - 1]);
  return {
    ackedWritesLost: lostWrites(history).length,
    ackedByDeposedLeader: deposed,
    outageMs,
    failedWrites: failed,
    failovers: history.events.filter((e) => e.kind === "elected").length,
  };
}

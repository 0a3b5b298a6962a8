import type { ClientId, ClusterEvent, History, NodeId, ObservedValue, Op, WriteFailure, WriteOp } from "../history";

/** A write to add by hand. */
export interface WriteSpec {
  client: ClientId;
  key: string;
  value: string;
  invokeMs: number;
  /** When the client got its ack; omit for a write accepted but never acknowledged ("stalled"). */
  ackMs?: number;
  /** "not-leader" or "fenced": no node accepted the write (it gets no node, epoch or lsn). */
  failure?: Exclude<WriteFailure, "stalled">;
  /** When a failed write's client heard of the failure (default: invokeMs). */
  failedMs?: number;
  /** The accepting node, default "L". */
  node?: NodeId;
  /** The accepting node's leader epoch, default 1. */
  epoch?: number;
  /** Log position, default one past the largest given so far. */
  lsn?: number;
  dependsOn?: number[];
}

/** What one key of a read returned: a write id, null for "no value", or either served by a given node. */
export type SeenSpec = number | null | { write: number | null; node: NodeId };

/** A read to add by hand. */
export interface ReadSpec {
  client: ClientId;
  invokeMs: number;
  /** Default: invokeMs (an instant read). */
  completeMs?: number;
  /** The node serving every key not given its own, default "L". */
  node?: NodeId;
  /** Key to what the read returned, in request order: `{ x: w1, y: null }`. */
  sees: Record<string, SeenSpec>;
  purpose?: string;
}

/**
 * Builds a History by hand, for tests and for students trying the checkers on a story of their
 * own: `const b = new HistoryBuilder(); const w = b.write({...}); b.read({ ..., sees: { x: w } });`.
 * It fills the fields a story does not care about (ids, values seen, log positions) consistently.
 */
export class HistoryBuilder {
  private readonly ops: Op[] = [];
  private readonly events: ClusterEvent[] = [];
  private lsnMax = 0;

  /** Adds a write; returns its op id. */
  write(spec: WriteSpec): number {
    const id = this.ops.length;
    const placed = spec.failure === undefined;
    const lsn = placed ? (spec.lsn ?? this.lsnMax + 1) : 0;
    this.lsnMax = Math.max(this.lsnMax, lsn);
    const op: WriteOp = {
      kind: "write",
      id,
      client: spec.client,
      key: spec.key,
      value: spec.value,
      invokeMs: spec.invokeMs,
      completeMs: placed ? (spec.ackMs ?? Infinity) : (spec.failedMs ?? spec.invokeMs),
      node: placed ? (spec.node ?? "L") : null,
      epoch: placed ? (spec.epoch ?? 1) : 0,
      lsn,
      acknowledged: placed && spec.ackMs !== undefined,
    };
    if (!op.acknowledged) op.failure = spec.failure ?? "stalled";
    if (spec.dependsOn !== undefined) op.dependsOn = spec.dependsOn;
    this.ops.push(op);
    return id;
  }

  /** Adds a read; returns its op id. */
  read(spec: ReadSpec): number {
    const id = this.ops.length;
    const observed: ObservedValue[] = Object.entries(spec.sees).map(([key, seen]) => {
      const { write, node } =
        seen !== null && typeof seen === "object" ? seen : { write: seen, node: spec.node ?? "L" };
      const w = write === null ? undefined : this.ops[write];
      if (write !== null && w?.kind !== "write") throw new Error(`read ${id}: op ${write} is not a write`);
      return w?.kind === "write"
        ? { key, value: w.value, writeId: w.id, lsn: w.lsn, node }
        : { key, value: null, writeId: -1, lsn: 0, node };
    });
    this.ops.push({
      kind: "read",
      id,
      client: spec.client,
      invokeMs: spec.invokeMs,
      completeMs: spec.completeMs ?? spec.invokeMs,
      observed,
      ...(spec.purpose === undefined ? {} : { purpose: spec.purpose }),
    });
    return id;
  }

  event(e: ClusterEvent): this {
    this.events.push(e);
    return this;
  }

  /**
   * The history. Without `finalLog`, every accepted write survived (a run without failover), in
   * (epoch, lsn) order.
   */
  build(end: { finalLog?: number[]; finalLeader?: NodeId | null } = {}): History {
    const accepted = this.ops.filter((op): op is WriteOp => op.kind === "write" && op.node !== null);
    accepted.sort((a, b) => a.epoch - b.epoch || a.lsn - b.lsn);
    return {
      ops: this.ops.slice(),
      events: this.events.slice(),
      finalLog: end.finalLog ?? accepted.map((w) => w.id),
      finalLeader: end.finalLeader === undefined ? "L" : end.finalLeader,
    };
  }
}

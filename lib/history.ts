/**
 * The history of a run: what every client saw, with invoke and complete times.
 *
 * A history is plain, serialisable data. Checkers (lib/checkers/) and metrics are pure functions
 * over it, so a student can also build a history by hand and check it.
 *
 * Times are virtual milliseconds since the start of the run. Log sequence numbers (LSN) start at 1;
 * LSN 0 means "nothing", for example the initial value of a key that was never written.
 */

/** A node's name. The initial leader is "L"; followers are "A", "B", "C", … unless configured. */
export type NodeId = string;

/** A client's name, e.g. "c0", or a scenario's user such as "alice". */
export type ClientId = string;

/** Why a write was not acknowledged. */
export type WriteFailure =
  /** The node that took it was not (or no longer) the leader, or was down. */
  | "not-leader"
  /** The storage layer rejected it: the leader's epoch (fencing token) was stale. */
  | "fenced"
  /** The run ended while the write still waited for follower acknowledgements. */
  | "stalled";

/** A client's write of `value` to `key`. */
export interface WriteOp {
  kind: "write";
  /** Index of this operation in `History.ops`. */
  id: number;
  client: ClientId;
  key: string;
  value: string;
  /** When the client sent the write. */
  invokeMs: number;
  /** When the client learned the outcome (ack or failure); Infinity if it never did. */
  completeMs: number;
  /** The node that accepted the write into its log, or null if none did. */
  node: NodeId | null;
  /** When the accepting node appended it to its log (Infinity if none did). */
  acceptedMs?: number;
  /** The leader epoch (fencing token) the accepting node held; 0 if not accepted. */
  epoch: number;
  /** The write's position in the accepting node's log; 0 if not accepted. */
  lsn: number;
  /** True if the client was told the write succeeded. */
  acknowledged: boolean;
  /** Why the write failed, when `acknowledged` is false. */
  failure?: WriteFailure;
  /** Ids of earlier writes this one causally depends on (a reply depends on its question). */
  dependsOn?: number[];
}

/** One key's value as seen by a read. */
export interface ObservedValue {
  key: string;
  /** The value returned, or null if the key had no value on the node that served it. */
  value: string | null;
  /** The op id of the write whose value was returned, or -1 for "no value". */
  writeId: number;
  /** The LSN of that write in the log of the epoch it was read from; 0 for "no value". */
  lsn: number;
  /** The node that served this key. */
  node: NodeId;
}

/** A client's read of one or more keys (one key for most reads; a timeline page reads several). */
export interface ReadOp {
  kind: "read";
  id: number;
  client: ClientId;
  invokeMs: number;
  /**
   * When the client got its answer; Infinity if it never did: the read was held for a log position
   * its node never reached, or retried against a leader that never came back.
   */
  completeMs: number;
  /** One entry per key read, in request order. */
  observed: ObservedValue[];
  /** Free-form purpose of the read, e.g. "check-permission"; checkers may use it. */
  purpose?: string;
}

export type Op = WriteOp | ReadOp;

/** Cluster events that are not client operations, used by timelines and the failover checkers. */
export type ClusterEvent =
  | { kind: "crash"; atMs: number; node: NodeId }
  | { kind: "recover"; atMs: number; node: NodeId }
  | { kind: "pause"; atMs: number; node: NodeId; untilMs: number }
  | { kind: "suspect"; atMs: number; node: NodeId; by: string }
  | { kind: "elected"; atMs: number; node: NodeId; epoch: number }
  | { kind: "demoted"; atMs: number; node: NodeId; epoch: number }
  | { kind: "ack-fallback"; atMs: number; mode: "async" | "sync" }
  | { kind: "rejected"; atMs: number; node: NodeId; epoch: number; reason: string };

/** Everything clients saw in one run, plus the cluster events and the final state. */
export interface History {
  ops: Op[];
  events: ClusterEvent[];
  /** Op ids of the writes in the final leader's log, in log order (what survived the run). */
  finalLog: number[];
  /** The node that was leader when the run ended (null if none). */
  finalLeader: NodeId | null;
}

/** A violation found by a checker: which guarantee broke, the ops involved, and why, in one line. */
export interface Violation {
  /** The guarantee, e.g. "read-your-writes". */
  guarantee: string;
  /** Ids of the operations involved, most relevant first. */
  ops: number[];
  /** A one-line explanation a student understands. */
  message: string;
  /** When it happened (virtual ms), for drawing it on a timeline. */
  atMs: number;
}

/**
 * What a run returns: per-write timing arrays for fast metrics, and the history of what each
 * client saw, for the checkers. Both are plain data.
 */
import type { Normalized } from "../config";
import type { History, Op, ReadOp, WriteFailure, WriteOp } from "../history";
import { crashed } from "./faults";
import { FAILED_FENCED, FAILED_NOT_LEADER, FAILED_STALLED, NOT_SEEN, type ReadRec, type World } from "./world";

/** Per-write timing arrays (index = write number in order of invocation). Infinity = never. */
export interface WriteTable {
  count: number;
  invokeMs: Float64Array;
  /** When the accepting node took it into its log (Infinity if never accepted). */
  acceptMs: Float64Array;
  /** When the client was told it committed (Infinity if never). */
  ackMs: Float64Array;
  /** LSN in the accepting node's log (0 if not accepted). */
  lsn: Int32Array;
  /** Index into `nodes` of the accepting node (-1 if none). */
  node: Int32Array;
  /** Epoch under which it was accepted (0 if not accepted). */
  epoch: Int32Array;
  /** Per follower (same order as `followers`): when that follower received the write. */
  receivedMs: Float64Array[];
  /** Per follower: when that follower applied the write (reads there see it from then on). */
  appliedMs: Float64Array[];
}

/** What `simulate` returns. */
export interface RunResult {
  seed: number;
  /** Node names; index 0 is the initial leader "L". */
  nodes: string[];
  /** Follower names (nodes[1..]). */
  followers: string[];
  config: Normalized;
  writes: WriteTable;
  /** Commit latency (ack − invoke) of every acknowledged write, in write order. */
  commitLatencyMs(): Float64Array;
  /** The history of client operations and cluster events (empty ops if recordHistory was false). */
  history: History;
  /** Reads served per node name. */
  readsServedBy: Record<string, number>;
  /** Failover measurements; zeros when no failover was configured. */
  failover: FailoverOutcome;
  /** Writes still waiting for follower acknowledgements when the run ended. */
  stalledWrites: number;
  /** Virtual time of the last event, ms. */
  endMs: number;
  /** Events processed (for the benchmark). */
  eventCount: number;
}

export interface FailoverOutcome {
  /** Failovers that happened (elections completed). */
  failovers: number;
  /** Failovers while the old leader was in fact alive and not paused (false positives). */
  spuriousFailovers: number;
  /** Time with no live node accepting writes as the official leader, ms. */
  outageMs: number;
  /** Writes rejected by fencing. */
  fencedWrites: number;
  /** Writes acknowledged by a deposed leader (split brain). */
  splitBrainWrites: number;
}

/** The run's result, once its last event is handled; `eventCount` events were processed. */
export function result(w: World, eventCount: number): RunResult {
  const n = w.wCount;
  const cfg = w.cfg;
  // Writes still waiting: stalled on a live leader, or lost with a dead or deposed one.
  let stalled = 0;
  for (let id = 0; id < n; id++) {
    if (w.ackMs[id] < Infinity || w.failure[id] !== 0) continue;
    const node = w.wNode[id];
    const alive = node >= 0 && w.nodes[node].believesLeader && !crashed(w, node, w.now);
    if (alive) {
      w.failure[id] = FAILED_STALLED;
      stalled++;
    } else {
      w.failure[id] = FAILED_NOT_LEADER;
      w.completeMs[id] = w.invokeMs[id] + cfg.clientTimeoutMs;
    }
  }
  // Views, not copies: the run owns its arrays, and copying 15 of them per run is what made
  // sweeps spend their time in the garbage collector.
  const slice = (a: Float64Array) => a.subarray(0, n);
  const writes: WriteTable = {
    count: n,
    invokeMs: slice(w.invokeMs),
    acceptMs: slice(w.acceptMs),
    ackMs: slice(w.ackMs),
    lsn: w.lsn.subarray(0, n),
    node: w.wNode.subarray(0, n),
    epoch: w.wEpoch.subarray(0, n),
    receivedMs: w.recvMs.slice(1).map(slice),
    appliedMs: w.applyMs.slice(1).map(slice),
  };
  const history = cfg.recordHistory ? buildHistory(w) : { ops: [], events: w.events, finalLog: [], finalLeader: cfg.names[w.leader] };
  const served: Record<string, number> = {};
  for (let i = 0; i < cfg.names.length; i++) served[cfg.names[i]] = w.readsServedBy[i];
  return {
    seed: cfg.seed,
    nodes: cfg.names.slice(),
    followers: cfg.names.slice(1),
    config: cfg,
    writes,
    commitLatencyMs: commitLatencies(writes),
    history,
    readsServedBy: served,
    failover: {
      failovers: w.failovers,
      spuriousFailovers: w.spurious,
      outageMs: w.outageMs,
      fencedWrites: w.fenced,
      splitBrainWrites: w.splitBrainWrites,
    },
    stalledWrites: stalled,
    endMs: w.now,
    eventCount,
  };
}

/**
 * `commitLatencyMs` of a run. Made here, not where the result is built: a closure keeps alive
 * every variable its function's other closures capture, and one there captured the World, so
 * each result held the whole run (its reads, queue and logs) for as long as it was kept.
 */
function commitLatencies(writes: WriteTable): () => Float64Array {
  const { count: n, ackMs, invokeMs } = writes;
  return () => {
    let count = 0;
    for (let i = 0; i < n; i++) if (ackMs[i] < Infinity) count++;
    const out = new Float64Array(count);
    let j = 0;
    for (let i = 0; i < n; i++) if (ackMs[i] < Infinity) out[j++] = ackMs[i] - invokeMs[i];
    return out;
  };
}

const FAILURE_NAMES: (WriteFailure | undefined)[] = [];
FAILURE_NAMES[FAILED_NOT_LEADER] = "not-leader";
FAILURE_NAMES[FAILED_FENCED] = "fenced";
FAILURE_NAMES[FAILED_STALLED] = "stalled";

function buildHistory(w: World): History {
  const names = w.cfg.names;
  const writeOpId = new Int32Array(w.wCount);
  const makeWrite = (write: number, id: number): WriteOp => {
    writeOpId[write] = id;
    const acked = w.ackMs[write] < Infinity;
    const op: WriteOp = {
      kind: "write",
      id,
      client: w.clientNames[w.wClient[write]],
      key: w.keyNames[w.wKey[write]],
      value: w.wValue[write] ?? `v${write}`,
      invokeMs: w.invokeMs[write],
      completeMs: w.completeMs[write],
      node: w.wNode[write] >= 0 ? names[w.wNode[write]] : null,
      acceptedMs: w.acceptMs[write],
      epoch: w.wNode[write] >= 0 ? w.wEpoch[write] : 0,
      lsn: w.wNode[write] >= 0 ? w.lsn[write] : 0,
      acknowledged: acked,
    };
    if (!acked) op.failure = FAILURE_NAMES[w.failure[write]] ?? "stalled";
    return op;
  };
  const makeRead = (rec: ReadRec, id: number): ReadOp => {
    const observed: ReadOp["observed"] = [];
    for (const p of rec.parts) {
      const part = w.parts[p];
      const seen = part.seen === NOT_SEEN ? -1 : part.seen;
      observed.push({
        key: w.keyNames[part.key],
        value: seen >= 0 ? (w.wValue[seen] ?? `v${seen}`) : null,
        writeId: seen, // remapped to op ids below
        lsn: seen >= 0 ? w.lsn[seen] : 0,
        node: names[part.node],
      });
    }
    const op: ReadOp = { kind: "read", id, client: w.clientNames[rec.client], invokeMs: rec.invokeMs, completeMs: rec.completeMs, observed };
    if (rec.purpose !== undefined) op.purpose = rec.purpose;
    return op;
  };
  // Operations in invocation order, writes before reads invoked at the same moment. Both are
  // numbered as they are invoked, so merging the two sequences is enough.
  const ops: Op[] = [];
  const reads = w.reads;
  let wi = 0;
  let r = 0;
  while (wi < w.wCount || r < reads.length) {
    if (r >= reads.length || (wi < w.wCount && w.invokeMs[wi] <= reads[r].invokeMs)) ops.push(makeWrite(wi++, ops.length));
    else ops.push(makeRead(reads[r++], ops.length));
  }
  for (const op of ops) {
    if (op.kind === "read") {
      for (const o of op.observed) if (o.writeId >= 0) o.writeId = writeOpId[o.writeId];
    }
  }
  for (let write = 0; write < w.wCount; write++) {
    const deps = w.wDeps[write];
    if (deps && deps.length > 0) (ops[writeOpId[write]] as WriteOp).dependsOn = deps.map((d) => writeOpId[d]);
  }
  const finalLog = w.nodes[w.leader].log.toArray().map((write) => writeOpId[write]);
  return { ops, events: w.events, finalLog, finalLeader: names[w.leader] };
}

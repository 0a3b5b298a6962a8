/**
 * The world of one run: every piece of state the simulation changes, declared here and nowhere else.
 *
 * The other files of this folder are handlers and queries over a `World`. State is grouped by the
 * idea it belongs to (the cluster, the write table, reads, clients, the network's random streams,
 * faults, the failure detector, the workload's progress). Writes, reads and nodes are small
 * integers indexing typed arrays: that data layout, not cleverness in the handlers, is what makes
 * runs fast, so keep new per-write state in a typed array sized like the others (`resizeWrites`).
 */
import type { Normalized } from "../config";
import { estimatedMb, memoryBudgetMb, memoryExceeded } from "../config/limits";
import { sampler, type Dist } from "../dist";
import { EventQueue } from "../heap";
import type { ClusterEvent } from "../history";
import type { AckRule, Membership } from "../policies";
import { compileRouting, type RouterFn, type Session } from "../reads";
import { stream, type Rng } from "../rng";
import { createCoordination, type Coordination } from "./coordinators";
import { compileElection, type ElectionRule } from "./election";
import { JointDraws } from "./joint";
import { WriteLog } from "./log";
import { ReplicationSteps } from "./steps";
import { createLinks, type Links } from "./links";
import { createStorage, type Storage } from "./storage";
import { createTriggers, type TriggerRun } from "./triggers";

/** One node's replication state. */
export interface NodeState {
  /** Write numbers in log order (LSN = index + 1). When each became visible here: `World.applyMs[node][write]`. */
  log: WriteLog;
  /** Entries already folded into `state`. */
  applied: number;
  /** Key id -> write number currently visible (-1: none). */
  state: Int32Array;
  epoch: number;
  believesLeader: boolean;
  /** When the last replication message to this node arrives (the stream is ordered). */
  lastArrival: number;
  /** When this node's last confirmation reaches its leader (confirmations are ordered too). */
  lastAckArrival: number;
  /** When this node's apply thread is free again. */
  lastApply: number;
  /** For a leader: entries acknowledged to clients. */
  commitPtr: number;
  /** For a leader: highest LSN each node has confirmed. */
  acked: Int32Array;
  /** Reads waiting for a position: [part, minLsn]. */
  waiters: [number, number][];
  /** When entries held while this node was down or cut off are delivered (-1: none held). */
  heldUntil: number;
  /** The LSN last handled once more behind the held entries (onRecv). */
  gapRetried: number;
}

/** The part of a read that fetches one key from one node. */
export interface ReadPart {
  /** Index into `World.reads`. */
  read: number;
  /** Key id. */
  key: number;
  /** The node it was sent to (then the node that served it). */
  node: number;
  /** Position the node must have applied before serving it (0: none). */
  minLsn: number;
  ifBehind: "leader" | "wait" | "none";
  /** The write number it saw, -1 for no value, or NOT_SEEN until it is answered. */
  seen: number;
}

/** `ReadPart.seen` of a part not answered yet. */
export const NOT_SEEN = -2;

/** One client read: one part per key. */
export interface ReadRec {
  client: number;
  invokeMs: number;
  completeMs: number;
  /** ReadPart indices. */
  parts: number[];
  pending: number;
  lastDoneMs: number;
  purpose?: string;
  label?: string;
}

/** A fault window on one node. */
export interface FaultWindow {
  kind: "slow" | "pause" | "crash";
  fromMs: number;
  toMs: number;
  factor: number;
}

/** `World.failure` codes: why a write was not acknowledged. */
export const FAILED_NOT_LEADER = 1;
export const FAILED_FENCED = 2;
export const FAILED_STALLED = 3;

export class World implements Membership {
  // ---------------------------------------------------------------- the run
  readonly cfg: Normalized;
  /** Nodes, the initial leader (index 0) included. */
  readonly n: number;
  readonly q = new EventQueue(4096);
  /** Virtual time of the event being handled, ms. */
  now = 0;
  /** Cluster events for the history, in the order they happened. */
  readonly events: ClusterEvent[] = [];
  /** Failure-detector timers in the queue (see events.ts). */
  timersQueued = 0;
  /** Time of the last event that was not a detector timer. */
  lastRealMs = 0;
  /** Reads' retries in the queue: re-checks of held reads, and reads sent again after a timeout (see loop.ts). */
  retriesQueued = 0;

  // ---------------------------------------------------------------- the cluster
  readonly nodes: NodeState[] = [];
  /** The newest epoch (fencing token) the coordinator handed out. */
  epoch = 1;
  /** The official leader: the coordinator's view. */
  leader = 0;
  /** The acknowledgement policy, compiled. */
  readonly ack: AckRule;
  /** The leader acknowledges without waiting after a fallback, until followers catch up. */
  degraded = false;
  /** Acknowledgements are simulated at all (async without a fallback never looks at them). */
  readonly needsAcks: boolean;
  /** When the leader ships, and the followers' write and flush steps (steps.ts). */
  readonly steps: ReplicationSteps;
  /** Steps drawn together, a measured row per write (joint.ts); null without `jointSteps`. */
  readonly joint: JointDraws | null;

  // ---------------------------------------------------------------- the write table (index = write number)
  wCap = 1024;
  wCount = 0;
  /** The write count at which `checkWriteTable` is due next. */
  private wTableCheckAt = 0;
  invokeMs = new Float64Array(this.wCap);
  acceptMs = new Float64Array(this.wCap);
  ackMs = new Float64Array(this.wCap);
  completeMs = new Float64Array(this.wCap);
  lsn = new Int32Array(this.wCap);
  wNode = new Int32Array(this.wCap);
  wEpoch = new Int32Array(this.wCap);
  wKey = new Int32Array(this.wCap);
  wClient = new Int32Array(this.wCap);
  /** 1 once the accepting node's local commit is done. */
  localDone = new Uint8Array(this.wCap);
  /** 0, or a FAILED_* code. */
  failure = new Uint8Array(this.wCap);
  /** Script index + 1 for a scripted write, -slot for a closed-loop one, 0 for an open-loop one. */
  wScript = new Int32Array(this.wCap);
  /** Per node: when it received each write (Infinity: never). */
  recvMs: Float64Array[] = [];
  /** Per node: when each write became visible to reads there (Infinity: never). */
  applyMs: Float64Array[] = [];
  /** Scripted writes' values (others read as `v<write>`). */
  readonly wValue: (string | undefined)[] = [];
  /** Scripted writes' dependencies, as write numbers. */
  readonly wDeps: (number[] | undefined)[] = [];

  // ---------------------------------------------------------------- reads
  readonly reads: ReadRec[] = [];
  readonly parts: ReadPart[] = [];
  readonly readsServedBy: number[];
  readonly router: RouterFn;
  /** The routers' `random`, made once. */
  readonly routeRandom: () => number;
  /** Scratch: when each part of the read being started arrives. */
  readonly arriveMs: number[] = [];
  /** Read number -> index of the scripted op it is. */
  readonly readScriptIndex = new Map<number, number>();
  /** The read count at which the memory check is due next (`nextMemoryCheck`). */
  readMemoryCheckAt = 0;
  /** The memory the run may take, MB (`memoryBudgetMb`: its budget, or a share of the heap when that is less). */
  readonly memoryBudgetMb: number;
  /** The read generator has stopped. */
  readsDone = true;

  // ---------------------------------------------------------------- clients and keys, interned to small integers
  readonly keyNames: string[] = [];
  readonly keyIds = new Map<string, number>();
  readonly clientNames: string[] = [];
  readonly clientIds = new Map<string, number>();
  /** The node each client believes leads. */
  readonly clientView: number[] = [];
  readonly sessions: Session[] = [];
  /** The key each client last wrote (-1: none). */
  readonly clientLastKey: number[] = [];

  // ---------------------------------------------------------------- the network and the nodes' timing: samplers and streams
  /** Per node: delay of replication messages to it, and of its confirmations back. */
  readonly toF: ((r: Rng) => number)[] = [];
  readonly toL: ((r: Rng) => number)[] = [];
  /** Per node: the mean of those delays when they are exponential (drawn inline), else -1. */
  readonly toMean: number[];
  readonly backMean: number[];
  readonly rTo: Rng[] = [];
  readonly rBack: Rng[] = [];
  /** Per node: time to apply an entry, its stream (the leader's local commit draws from it too), and whether it is zero. */
  readonly applyD: ((r: Rng) => number)[] = [];
  readonly rApply: Rng[] = [];
  readonly noApply: boolean[];
  readonly commitD: (r: Rng) => number;
  readonly instantLocal: boolean;
  /** Client requests and responses. */
  readonly reqD: (r: Rng) => number;
  readonly respD: (r: Rng) => number;
  readonly instantClient: boolean;
  readonly rClient: Rng;
  readonly rWork: Rng;
  readonly rReads: Rng;
  readonly rFaults: Rng;

  // ---------------------------------------------------------------- faults
  /** Per node: its fault windows. */
  readonly faultWins: FaultWindow[][] = [];

  // ---------------------------------------------------------------- the failure detector and failover
  electing = false;
  /** When the detector last heard the leader's heartbeat. */
  lastHeard = 0;
  /** Heartbeats share one ordered connection: when the last one arrives. */
  lastHbArrival = 0;
  detectorDelay: (r: Rng) => number = () => 0;
  readonly elect: ElectionRule | null;
  /** When the official leader stopped being able to accept writes (NaN: it can). */
  leaderDownSince = NaN;
  outageMs = 0;
  failovers = 0;
  spurious = 0;
  fenced = 0;
  splitBrainWrites = 0;

  // ---------------------------------------------------------------- partitions, triggers, other coordinators, fencing storage (null when unused)
  /** Cut links over time (links.ts). */
  links: Links | null = null;
  /** Faults started by protocol events (triggers.ts). */
  triggered: TriggerRun | null = null;
  /** Several monitors or a lease (coordinators.ts); null with the single monitor. */
  coord: Coordination | null = null;
  /** The fencing storage (storage.ts). */
  storage: Storage | null = null;

  // ---------------------------------------------------------------- the workload's progress
  openGenerated = 0;
  closedLeft = 0;
  readonly closedWrites: number[] = [];
  /** Completion time per script index (NaN until done). */
  readonly scriptDone: number[];
  /** Label -> write number of a scripted write. */
  readonly scriptWrite = new Map<string, number>();
  /** Script indices by the label they wait for (`afterOp`); built on first use. */
  afterIndex: Map<string, number[]> | undefined = undefined;

  constructor(cfg: Normalized) {
    this.cfg = cfg;
    this.n = cfg.names.length;
    this.memoryBudgetMb = memoryBudgetMb(cfg);
    // Size the write table for the whole run up front when the workload says how many writes
    // there will be: growing typed arrays by doubling costs copies and garbage collection.
    const w = cfg.workload;
    const expected = Math.min(w.writes, 1 << 22) + w.script.length + (w.closedLoop ? Math.min(w.closedLoop.clients * w.closedLoop.writesPerClient, 1 << 22) : 0);
    if (w.durationMs === undefined && expected > this.wCap) this.resizeWrites(expected + 1);
    const seed = cfg.seed;
    for (let i = 0; i < this.n; i++) {
      const name = cfg.names[i];
      this.toF.push(sampler(cfg.toFollowerMs[i]));
      this.toL.push(sampler(cfg.toLeaderMs[i]));
      this.applyD.push(sampler(cfg.applyMs[i]));
      this.rTo.push(stream(seed, `network/${name}/to`));
      this.rBack.push(stream(seed, `network/${name}/back`));
      this.rApply.push(stream(seed, `apply/${name}`));
      this.recvMs.push(new Float64Array(this.wCap).fill(Infinity));
      this.applyMs.push(new Float64Array(this.wCap).fill(Infinity));
      this.faultWins.push([]);
    }
    this.rWork = stream(seed, "workload");
    this.rReads = stream(seed, "reads");
    this.rFaults = stream(seed, "faults");
    this.rClient = stream(seed, "clients");
    this.commitD = sampler(cfg.leaderCommitMs);
    this.reqD = sampler(cfg.clientRequestMs);
    this.respD = sampler(cfg.clientResponseMs);
    this.joint = cfg.jointSteps !== null ? new JointDraws(cfg, this.wCap) : null;
    this.instantLocal = isZero(cfg.leaderCommitMs) && (this.joint === null || this.joint.leaderCommit < 0);
    this.instantClient = isZero(cfg.clientRequestMs) && isZero(cfg.clientResponseMs);
    const expMean = (d: Dist) => (d.kind === "exponential" ? d.meanMs : -1);
    this.toMean = cfg.toFollowerMs.map(expMean);
    this.backMean = cfg.toLeaderMs.map(expMean);
    this.noApply = cfg.applyMs.map((d, i) => isZero(d) && (this.joint === null || this.joint.apply[i] < 0));

    this.ack = cfg.ackRule;
    this.needsAcks = this.ack.neededAtStart > 0 || this.ack.fallback !== null;
    this.steps = new ReplicationSteps(cfg, this.ack.confirmStep, this.joint);

    this.router = this.n > 1 || cfg.reads.routing !== undefined ? compileRouting(cfg.reads.routing ?? { kind: "any-follower" }) : compileRouting({ kind: "leader-only" });
    this.routeRandom = () => this.rReads.next();
    this.readsServedBy = new Array(this.n).fill(0);
    this.elect = cfg.failover ? compileElection(cfg.failover.election) : null;

    // Keys: generated ones are "k0".."kK-1"; scripted ones are interned as they appear.
    for (let k = 0; k < w.keys; k++) this.keyId(`k${k}`);
    for (const op of w.script) for (const key of op.kind === "write" ? [op.key] : op.keys) this.keyId(key);
    for (let c = 0; c < w.clients; c++) this.clientId(`c${c}`);
    for (const op of w.script) this.clientId(op.client);
    if (w.closedLoop) for (let c = 0; c < w.closedLoop.clients; c++) this.clientId(`c${c}`);

    for (let i = 0; i < this.n; i++) {
      this.nodes.push({
        log: new WriteLog(this.wCap),
        applied: 0,
        state: new Int32Array(this.keyNames.length).fill(-1),
        epoch: 1,
        believesLeader: i === 0,
        lastArrival: 0,
        lastAckArrival: 0,
        lastApply: 0,
        commitPtr: 0,
        acked: new Int32Array(this.n),
        waiters: [],
        heldUntil: -1,
        gapRetried: 0,
      });
    }
    this.scriptDone = w.script.map(() => NaN);
    this.links = createLinks(this);
    this.triggered = createTriggers(this);
    this.coord = createCoordination(this);
    this.storage = createStorage(this);
  }

  keyId(name: string): number {
    let id = this.keyIds.get(name);
    if (id === undefined) {
      id = this.keyNames.length;
      this.keyNames.push(name);
      this.keyIds.set(name, id);
    }
    return id;
  }

  clientId(name: string): number {
    let id = this.clientIds.get(name);
    if (id === undefined) {
      id = this.clientNames.length;
      this.clientNames.push(name);
      this.clientIds.set(name, id);
      this.clientView.push(0);
      this.sessions.push({ lastWriteLsn: 0, lastReadLsn: 0, lastReadNode: null });
      this.clientLastKey.push(-1);
    }
    return id;
  }

  /** Nodes that follow `leader` now: they hold its epoch and do not believe they lead. */
  followerCount(leader: number): number {
    const e = this.nodes[leader].epoch;
    let count = 0;
    for (let r = 0; r < this.n; r++) if (r !== leader && this.nodes[r].epoch === e && !this.nodes[r].believesLeader) count++;
    return count;
  }

  /** A new write by `client` to `key`, invoked now; returns its number. */
  newWrite(client: number, key: number): number {
    if (this.wCount === this.wTableCheckAt) this.checkWriteTable();
    const w = this.wCount++;
    this.invokeMs[w] = this.now;
    this.acceptMs[w] = Infinity;
    this.ackMs[w] = Infinity;
    this.completeMs[w] = Infinity;
    this.wNode[w] = -1;
    this.wKey[w] = key;
    this.wClient[w] = client;
    this.clientLastKey[client] = key;
    return w;
  }

  /**
   * Grows the write table when it is full, and runs the memory check (`checkMemory`); `newWrite`
   * calls it when either is due, so that a write costs one comparison.
   */
  private checkWriteTable(): void {
    if (this.wCount === this.wCap) this.resizeWrites(this.wCap * 2);
    this.checkMemory(this.wCount);
    const memory = nextMemoryCheck(this.wCount + 1);
    this.wTableCheckAt = memory < this.wCap ? memory : this.wCap;
  }

  /**
   * The memory check at the `count`th write, read or event (from 0), due at the counts
   * `nextMemoryCheck` gives: throws once the run's tables pass its budget (`memoryBudgetMb`), at every
   * 65,536th count. At the early counts it only estimates, and never throws.
   */
  checkMemory(count: number): void {
    const other = this.q.size + this.events.length;
    const mb = estimatedMb(this.cfg, this.wCount, this.reads.length, other);
    if ((count & MEMORY_CHECK_EVERY) === MEMORY_CHECK_EVERY && mb > this.memoryBudgetMb) memoryExceeded(this.cfg, this.wCount, this.reads.length, null, other);
  }

  private resizeWrites(cap: number): void {
    const f64 = (a: Float64Array, fill = 0) => {
      const b = new Float64Array(cap);
      if (fill !== 0) b.fill(fill);
      b.set(a);
      return b;
    };
    const i32 = (a: Int32Array) => {
      const b = new Int32Array(cap);
      b.set(a);
      return b;
    };
    const u8 = (a: Uint8Array) => {
      const b = new Uint8Array(cap);
      b.set(a);
      return b;
    };
    this.invokeMs = f64(this.invokeMs);
    this.acceptMs = f64(this.acceptMs);
    this.ackMs = f64(this.ackMs);
    this.completeMs = f64(this.completeMs);
    this.lsn = i32(this.lsn);
    this.wNode = i32(this.wNode);
    this.wEpoch = i32(this.wEpoch);
    this.wKey = i32(this.wKey);
    this.wClient = i32(this.wClient);
    this.wScript = i32(this.wScript);
    this.localDone = u8(this.localDone);
    this.failure = u8(this.failure);
    this.recvMs = this.recvMs.map((a) => f64(a, Infinity));
    this.applyMs = this.applyMs.map((a) => f64(a, Infinity));
    // Absent until the constructor makes it (it may size the table first).
    if (this.joint) this.joint.resize(cap);
    this.wCap = cap;
  }
}

/** Memory is checked every 65,536 writes, reads and events (a mask). */
export const MEMORY_CHECK_EVERY = 0xffff;

/**
 * The first count at or after `from` at which the memory check is due: when the count's low bits
 * are all ones (65,535, then every 65,536), and before that at 0, 1, 3, 7, …, 32,767, where the
 * check only estimates. Those early checks matter for speed, not memory: the run's hottest
 * functions are optimised a few thousand writes or events in, and optimised code that meets a
 * branch it had never seen run (here the first real check) is thrown away and compiled again.
 * The early checks run that branch while the functions warm up, whenever that is (not at the very
 * first count alone: a function records what it sees only after its first few calls).
 */
export function nextMemoryCheck(from: number): number {
  const span = MEMORY_CHECK_EVERY + 1;
  if (from > MEMORY_CHECK_EVERY) return Math.floor(from / span) * span + MEMORY_CHECK_EVERY;
  let count = 0;
  while (count < from) count = 2 * count + 1;
  return count;
}

function isZero(d: Dist): boolean {
  return d.kind === "constant" && d.valueMs === 0;
}

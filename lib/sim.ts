/**
 * The discrete-event simulation of one leader, its followers, the replication log, client writes
 * and reads, faults and failover.
 *
 * One seed drives everything, split into named streams (network per link and direction, workload,
 * reads, faults). Time is virtual milliseconds. The run returns plain data: per-write timing arrays
 * for fast metrics, and a `History` of what each client saw, for the checkers.
 */
import type { SimConfig, Normalized } from "./config";
import { normalize } from "./config";
import { sampler, type Dist } from "./dist";
import { EventQueue } from "./heap";
import type { ClusterEvent, History, Op, ReadOp, WriteOp, WriteFailure } from "./history";
import { compileRouting, type ReadContext, type RouterFn, type Session } from "./reads";
import { stream, type Rng } from "./rng";

// Event kinds. Handlers are named after them (onWriteArrive handles WRITE_ARRIVE).
const WRITE_INVOKE = 1; // a: generator slot (0 open loop, 1+c closed-loop client c)
const WRITE_ARRIVE = 2; // a: write, b: node
const LOCAL_COMMIT = 3; // a: write, b: node
const RECV = 4; // a: write, b: receiving node, c: sender's epoch
const ACK = 5; // a: lsn, b: acking node, c: epoch
const READ_INVOKE = 6; // generated read
const READ_ARRIVE = 7; // a: read part, b: node, c: 1 if forwarded (no min-position check)
const FAULT_START = 8; // a: fault index
const FAULT_END = 9; // a: fault index
const HB_SEND = 10; // a: node, b: epoch
const HB_ARRIVE = 11; // a: epoch
const TIMEOUT_CHECK = 12;
const ELECTION_DONE = 13; // a: candidate, b: epoch it will hold
const STEP_DOWN = 14; // a: node
const CLIENT_REROUTE = 15; // a: client
const FALLBACK_CHECK = 16; // a: write
const SCRIPT_OP = 17; // a: script index
const READ_SERVE = 18; // a: read part, b: node (serve now, position already reached)
const CRASH_LEADER = 19;
const WAIT_TIMEOUT = 20; // a: read part, b: node it waits on

/** Event kinds that are timers of the failure detector: they alone do not keep a run going. */
const TIMER_KIND: boolean[] = [];
for (const k of [HB_SEND, HB_ARRIVE, TIMEOUT_CHECK, ELECTION_DONE, STEP_DOWN]) TIMER_KIND[k] = true;

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

interface ReadPart {
  read: number; // index into reads
  key: number; // key id
  node: number; // node it was sent to
  minLsn: number;
  ifBehind: "leader" | "wait" | "none";
}

interface ReadRec {
  client: number;
  invokeMs: number;
  completeMs: number;
  parts: number[]; // ReadPart indices
  pending: number;
  lastDoneMs: number;
  purpose?: string;
  label?: string;
}

interface NodeState {
  /** Write numbers in log order (LSN = index + 1). When each became visible here: applyMs[node][write]. */
  log: number[];
  /** Entries already folded into `state`. */
  applied: number;
  /** Key id -> write number currently visible (-1: none). */
  state: Int32Array;
  epoch: number;
  believesLeader: boolean;
  lastArrival: number;
  lastAckArrival: number;
  lastApply: number;
  /** For a leader: entries acknowledged to clients. */
  commitPtr: number;
  /** For a leader: highest LSN each node has acknowledged. */
  acked: Int32Array;
  /** Reads waiting for a position: [part, minLsn]. */
  waiters: [number, number][];
}

/**
 * Runs one simulation.
 *
 * @example
 * const run = simulate({ seed: 7, followers: 3, ack: quorum(2), workload: { writesPerSec: 1000, writes: 10_000 } });
 * summarize(run).commitLatencyMsP99;
 */
export function simulate(config: SimConfig): RunResult {
  const cfg = normalize(config);
  return new Simulation(cfg).run();
}

const NO_FAULT = -1;

/** The k-th smallest (1-based) of the first `len` entries; `len` is a handful of followers. */
function kthSmallest(a: Float64Array, len: number, k: number): number {
  // Insertion sort of a prefix: fastest for the few followers a cluster has.
  for (let i = 1; i < len; i++) {
    const v = a[i];
    let j = i - 1;
    while (j >= 0 && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
  return a[k - 1];
}

class Simulation {
  private readonly q = new EventQueue(4096);
  private readonly n: number; // nodes including the initial leader
  private readonly nodes: NodeState[] = [];
  private now = 0;
  private epoch = 1;
  private leader = 0; // official leader (the coordinator's view)
  private electing = false;
  private lastHeard = 0;
  private leaderDownSince = NaN; // when the official leader stopped being able to accept writes
  private outageMs = 0;
  private failovers = 0;
  private spurious = 0;
  private fenced = 0;
  private splitBrainWrites = 0;
  private degraded = false;
  private readonly events: ClusterEvent[] = [];

  // Writes (grown on demand).
  private wCap = 1024;
  private wCount = 0;
  private invokeMs = new Float64Array(this.wCap);
  private acceptMs = new Float64Array(this.wCap);
  private ackMs = new Float64Array(this.wCap);
  private completeMs = new Float64Array(this.wCap);
  private lsn = new Int32Array(this.wCap);
  private wNode = new Int32Array(this.wCap);
  private wEpoch = new Int32Array(this.wCap);
  private wKey = new Int32Array(this.wCap);
  private wClient = new Int32Array(this.wCap);
  private localDone = new Uint8Array(this.wCap);
  private failure = new Uint8Array(this.wCap); // 0 none, 1 not-leader, 2 fenced, 3 stalled
  private recvMs: Float64Array[] = [];
  private applyMs: Float64Array[] = [];
  private wValue: (string | undefined)[] = [];
  private wDeps: (number[] | undefined)[] = [];
  private wScript: Int32Array = new Int32Array(this.wCap); // script index + 1, or 0

  private readonly reads: ReadRec[] = [];
  private readonly parts: ReadPart[] = [];
  private readonly readsServedBy: number[];

  // Keys and clients are interned to small integers.
  private readonly keyNames: string[] = [];
  private readonly keyIds = new Map<string, number>();
  private readonly clientNames: string[] = [];
  private readonly clientIds = new Map<string, number>();
  private clientView: number[] = [];
  private sessions: Session[] = [];
  private clientLastKey: number[] = [];

  // Samplers and streams.
  private readonly toF: ((r: Rng) => number)[] = [];
  private readonly toL: ((r: Rng) => number)[] = [];
  private readonly applyD: ((r: Rng) => number)[] = [];
  private readonly rTo: Rng[] = [];
  private readonly rBack: Rng[] = [];
  private readonly rApply: Rng[] = [];
  private readonly rWork: Rng;
  private readonly rReads: Rng;
  private readonly rFaults: Rng;
  private readonly rClient: Rng;
  private readonly commitD: (r: Rng) => number;
  private readonly reqD: (r: Rng) => number;
  private readonly respD: (r: Rng) => number;
  private readonly instantLocal: boolean;
  private readonly instantClient: boolean;
  private readonly router: RouterFn | null;
  private readonly ackOnApply: boolean;
  // Exponential delays and zero apply times drawn inline (same draws as their samplers).
  private readonly toMean: number[];
  private readonly backMean: number[];
  private readonly noApply: boolean[];
  private readonly needsAcks: boolean;
  private readonly syncAllPolicy: boolean;

  private readonly faultWins: { kind: "slow" | "pause" | "crash"; fromMs: number; toMs: number; factor: number }[][] = [];
  private openGenerated = 0;
  private readonly scriptDone: number[]; // completion time per script index (NaN until done)
  private readonly scriptWrite = new Map<string, number>(); // label -> write number

  constructor(private readonly cfg: Normalized) {
    this.n = cfg.names.length;
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
    this.instantLocal = cfg.leaderCommitMs.kind === "constant" && cfg.leaderCommitMs.valueMs === 0;
    this.instantClient =
      cfg.clientRequestMs.kind === "constant" && cfg.clientRequestMs.valueMs === 0 && cfg.clientResponseMs.kind === "constant" && cfg.clientResponseMs.valueMs === 0;
    this.router = this.n > 1 || cfg.reads.routing !== undefined ? compileRouting(cfg.reads.routing ?? { kind: "any-follower" }) : compileRouting({ kind: "leader-only" });
    this.readsServedBy = new Array(this.n).fill(0);
    this.ackOnApply = cfg.ack.on === "apply";
    const expMean = (d: Dist) => (d.kind === "exponential" ? d.meanMs : -1);
    this.toMean = cfg.toFollowerMs.map(expMean);
    this.backMean = cfg.toLeaderMs.map(expMean);
    this.noApply = cfg.applyMs.map((d) => d.kind === "constant" && d.valueMs === 0);
    this.syncAllPolicy = cfg.ack.kind === "sync-all";
    this.needsAcks = cfg.acksNeeded > 0 || this.syncAllPolicy || cfg.ack.fallbackAfterMs !== undefined;

    // Keys: generated ones are "k0".."kK-1"; scripted ones are interned as they appear.
    for (let k = 0; k < cfg.workload.keys; k++) this.keyId(`k${k}`);
    for (const op of cfg.workload.script) for (const key of op.kind === "write" ? [op.key] : op.keys) this.keyId(key);
    for (let c = 0; c < cfg.workload.clients; c++) this.clientId(`c${c}`);
    for (const op of cfg.workload.script) this.clientId(op.client);
    if (cfg.workload.closedLoop) for (let c = 0; c < cfg.workload.closedLoop.clients; c++) this.clientId(`c${c}`);

    for (let i = 0; i < this.n; i++) {
      this.nodes.push({
        log: [],
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
      });
    }
    this.scriptDone = cfg.workload.script.map(() => NaN);
  }

  private keyId(name: string): number {
    let id = this.keyIds.get(name);
    if (id === undefined) {
      id = this.keyNames.length;
      this.keyNames.push(name);
      this.keyIds.set(name, id);
    }
    return id;
  }

  private clientId(name: string): number {
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

  // ---------------------------------------------------------------- set-up and main loop

  /** Only open-loop writes and nothing that reacts to time: the recurrence gives the same run. */
  private recurrenceApplies(): boolean {
    const c = this.cfg;
    const w = c.workload;
    return (
      c.engine === "auto" &&
      c.faults.length === 0 &&
      c.failover === undefined &&
      c.reads.readsPerSec === 0 &&
      w.script.length === 0 &&
      w.closedLoop === undefined &&
      c.ack.fallbackAfterMs === undefined &&
      this.instantClient
    );
  }

  /**
   * The run as a recurrence over writes, in the spirit of Lindley's recursion for queues. With
   * only open-loop writes, every time is a max of earlier times plus a delay:
   *   received(f, i) = max(accept(i) + toFollower, received(f, i−1))      (ordered stream)
   *   applied(f, i)  = max(received(f, i), applied(f, i−1)) + apply        (one apply thread)
   *   acked(f, i)    = max(received or applied + toLeader, acked(f, i−1))  (ordered acks)
   *   commit(i)      = max(local(i), k-th smallest acked(·, i), commit(i−1))
   * Each random stream is drawn in the same order as the event loop draws it, so the results
   * are identical to the last bit; lib/recurrence.test.ts holds the two paths equal.
   */
  private runRecurrence(): RunResult {
    const cfg = this.cfg;
    const w = cfg.workload;
    const n = this.n;
    const needed = this.syncAllPolicy ? n - 1 : cfg.acksNeeded;
    const named = cfg.namedFollower;
    const lastArr = new Float64Array(n);
    const lastApply = new Float64Array(n);
    const lastAck = new Float64Array(n);
    const ackArr = new Float64Array(n);
    const scratch = new Float64Array(n);
    const leaderLog = this.nodes[0].log;
    let end = 0;
    let commitPrev = 0;
    let count = 0;
    const perWrite = 1 + (n - 1) + (this.needsAcks ? n - 1 : 0) + (this.instantLocal ? 0 : 1);
    const toMean = this.toMean;
    const backMean = this.backMean;
    const noApply = this.noApply;
    let t = w.writes > 0 ? this.nextOpenArrival(0) : Infinity;
    while (t < Infinity) {
      // WRITE_INVOKE at t: draw the next arrival first, then the key, as onWriteInvoke does.
      this.now = t;
      this.openGenerated++;
      const client = (this.openGenerated - 1) % w.clients;
      let next = Infinity;
      if (this.openGenerated < w.writes) {
        const candidate = this.nextOpenArrival(t);
        if (w.durationMs === undefined || candidate <= w.durationMs) next = candidate;
        else this.openGenerated = w.writes;
      }
      const key = w.keys === 1 ? 0 : Math.floor(this.rWork.next() * w.keys);
      const id = this.newWrite(client, key);
      const lsn = leaderLog.length + 1;
      leaderLog.push(id);
      this.lsn[id] = lsn;
      this.wNode[id] = 0;
      this.wEpoch[id] = 1;
      this.acceptMs[id] = t;
      this.recvMs[0][id] = t;
      if (t > end) end = t;
      for (let r = 1; r < n; r++) {
        const m = toMean[r];
        let recv = t + (m >= 0 ? -m * Math.log(this.rTo[r].next()) : this.toF[r](this.rTo[r]));
        if (recv < lastArr[r]) recv = lastArr[r];
        lastArr[r] = recv;
        if (recv > end) end = recv;
        // Followers' own logs are left empty: nothing reads them after a write-only run.
        this.recvMs[r][id] = recv;
        const applied = (recv > lastApply[r] ? recv : lastApply[r]) + (noApply[r] ? 0 : this.applyD[r](this.rApply[r]));
        lastApply[r] = applied;
        this.applyMs[r][id] = applied;
        if (this.needsAcks) {
          const mb = backMean[r];
          let a = (this.ackOnApply ? applied : recv) + (mb >= 0 ? -mb * Math.log(this.rBack[r].next()) : this.toL[r](this.rBack[r]));
          if (a < lastAck[r]) a = lastAck[r];
          lastAck[r] = a;
          ackArr[r] = a;
          if (a > end) end = a;
        }
      }
      const local = this.instantLocal ? t : t + this.commitD(this.rApply[0]);
      if (local > end) end = local;
      this.localDone[id] = 1;
      this.applyMs[0][id] = local;
      let commit = local;
      if (needed > 0) {
        let s: number;
        if (named >= 0) s = ackArr[named];
        else {
          for (let r = 1; r < n; r++) scratch[r - 1] = ackArr[r];
          s = kthSmallest(scratch, n - 1, needed);
        }
        if (s > commit) commit = s;
      }
      if (commitPrev > commit) commit = commitPrev;
      commitPrev = commit;
      this.ackMs[id] = commit;
      this.completeMs[id] = commit;
      count += perWrite;
      t = next;
    }
    this.now = end;
    this.nodes[0].commitPtr = leaderLog.length;
    return this.result(count);
  }

  run(): RunResult {
    if (this.recurrenceApplies()) return this.runRecurrence();
    const cfg = this.cfg;
    const w = cfg.workload;
    if (w.writes > 0) this.q.push(this.nextOpenArrival(0), WRITE_INVOKE, 0);
    if (w.closedLoop && w.closedLoop.writesPerClient > 0) {
      this.closedLeft = w.closedLoop.clients;
      for (let c = 0; c < w.closedLoop.clients; c++) this.q.push(0, WRITE_INVOKE, 1 + c);
    }
    this.readsDone = cfg.reads.readsPerSec === 0;
    cfg.workload.script.forEach((op, i) => {
      if (op.afterOp === undefined) this.q.push(op.atMs, SCRIPT_OP, i);
    });
    if (cfg.reads.readsPerSec > 0) this.q.push(this.expGap(cfg.reads.readsPerSec, this.rReads), READ_INVOKE);
    cfg.faults.forEach((f, i) => {
      this.faultWins[f.node].push({ kind: f.kind, fromMs: f.fromMs, toMs: f.toMs, factor: f.factor });
      this.q.push(f.fromMs, FAULT_START, i);
      if (f.toMs < Infinity) this.q.push(f.toMs, FAULT_END, i);
    });
    const fo = cfg.failover;
    if (fo) {
      this.detectorDelay = sampler(fo.detectorDelayMs);
      if (fo.crashAtMs < Infinity) this.q.push(fo.crashAtMs, CRASH_LEADER);
      this.pushTimer(0, HB_SEND, 0, 1);
      this.pushTimer(fo.timeoutMs, TIMEOUT_CHECK);
    }

    const q = this.q;
    const detecting = fo !== undefined;
    let count = 0;
    while (q.pop()) {
      count++;
      this.now = q.t;
      if (detecting && !TIMER_KIND[q.k]) this.lastRealMs = q.t;
      const a = q.x;
      const b = q.y;
      const c = q.z;
      switch (q.k) {
        case RECV:
          this.onRecv(a, b, c);
          break;
        case ACK:
          this.onAck(a, b, c);
          break;
        case WRITE_INVOKE:
          this.onWriteInvoke(a);
          break;
        case WRITE_ARRIVE:
          this.onWriteArrive(a, b);
          break;
        case LOCAL_COMMIT:
          this.onLocalCommit(a, b);
          break;
        case READ_INVOKE:
          this.onReadInvoke();
          break;
        case READ_ARRIVE:
          this.onReadArrive(a, b, c);
          break;
        case READ_SERVE:
          this.serve(a, b);
          break;
        case FAULT_START:
          this.onFaultStart(a);
          break;
        case FAULT_END:
          this.onFaultEnd(a);
          break;
        case HB_SEND:
          this.onHbSend(a, b);
          break;
        case HB_ARRIVE:
          this.onHbArrive(a);
          break;
        case TIMEOUT_CHECK:
          this.onTimeoutCheck();
          break;
        case ELECTION_DONE:
          this.onElectionDone(a, b);
          break;
        case STEP_DOWN:
          this.onStepDown(a);
          break;
        case CLIENT_REROUTE:
          this.clientView[a] = this.leader;
          break;
        case FALLBACK_CHECK:
          this.onFallbackCheck(a);
          break;
        case SCRIPT_OP:
          this.onScriptOp(a);
          break;
        case CRASH_LEADER:
          this.crashLeaderNow();
          break;
        case WAIT_TIMEOUT:
          this.onWaitTimeout(a, b);
          break;
        default:
          throw new Error(`unknown event kind ${q.k}`);
      }
      if (detecting && this.quiescent()) break;
    }
    if (!Number.isNaN(this.leaderDownSince)) this.outageMs += this.now - this.leaderDownSince;
    return this.result(count);
  }

  /**
   * With failure detection on, heartbeats never stop by themselves. The run ends when only timers
   * are left, the workload is done and the cluster has settled (one live leader, no election, no
   * deposed leader still believing it leads), or when nothing but timers has happened for a long
   * while (a cluster that cannot settle, e.g. every follower crashed).
   */
  private lastRealMs = 0;
  private quiescent(): boolean {
    if (!this.onlyTimersLeft()) return false;
    if (this.now - this.lastRealMs > 20 * this.cfg.failover!.timeoutMs + 10_000) return true;
    return this.workloadDone() && this.settled();
  }
  private settled(): boolean {
    if (this.electing || this.downUntil(this.leader, this.now) !== NO_FAULT) return false;
    // A deposed leader that still believes it leads keeps the run going, unless it never comes back.
    for (let r = 0; r < this.n; r++) {
      if (r !== this.leader && this.nodes[r].believesLeader && this.downUntil(r, this.now) !== Infinity) return false;
    }
    return true;
  }
  private timersQueued = 0;
  private onlyTimersLeft(): boolean {
    return this.q.size <= this.timersQueued;
  }
  private workloadDone(): boolean {
    return (this.openGenerated >= this.cfg.workload.writes || this.cfg.workload.writes === 0) && this.readsDone && this.closedDone() && this.scriptsDone();
  }
  private readsDone = true;
  private closedLeft = 0;
  private closedDone(): boolean {
    return this.closedLeft === 0;
  }
  private scriptsDone(): boolean {
    return this.scriptDone.every((d) => !Number.isNaN(d));
  }

  // ---------------------------------------------------------------- faults

  /** End of the pause or crash window covering `t` on `node`, or NO_FAULT. */
  private downUntil(node: number, t: number): number {
    const wins = this.faultWins[node];
    for (let i = 0; i < wins.length; i++) {
      const f = wins[i];
      if (f.kind !== "slow" && t >= f.fromMs && t < f.toMs) return f.toMs;
    }
    return NO_FAULT;
  }

  private crashed(node: number, t: number): boolean {
    const wins = this.faultWins[node];
    for (let i = 0; i < wins.length; i++) {
      const f = wins[i];
      if (f.kind === "crash" && t >= f.fromMs && t < f.toMs) return true;
    }
    return false;
  }

  private slowFactor(node: number, t: number): number {
    const wins = this.faultWins[node];
    let factor = 1;
    for (let i = 0; i < wins.length; i++) {
      const f = wins[i];
      if (f.kind === "slow" && t >= f.fromMs && t < f.toMs) factor *= f.factor;
    }
    return factor;
  }

  private onFaultStart(i: number): void {
    const f = this.cfg.faults[i];
    if (f.kind === "crash") this.events.push({ kind: "crash", atMs: this.now, node: this.cfg.names[f.node] });
    if (f.kind === "pause") this.events.push({ kind: "pause", atMs: this.now, node: this.cfg.names[f.node], untilMs: f.toMs });
    if (f.kind !== "slow" && f.node === this.leader && Number.isNaN(this.leaderDownSince)) this.leaderDownSince = this.now;
  }

  private onFaultEnd(i: number): void {
    if (i < 0) {
      // The end of a leader crash made by failover.crashLeader.
      const node = -1 - i;
      this.events.push({ kind: "recover", atMs: this.now, node: this.cfg.names[node] });
      this.onNodeBack(node);
      return;
    }
    const f = this.cfg.faults[i];
    if (f.kind === "crash") this.events.push({ kind: "recover", atMs: this.now, node: this.cfg.names[f.node] });
    this.onNodeBack(f.node);
  }

  private onNodeBack(node: number): void {
    if (this.downUntil(node, this.now) !== NO_FAULT) return;
    if (node === this.leader && !Number.isNaN(this.leaderDownSince) && this.nodes[node].believesLeader) {
      this.outageMs += this.now - this.leaderDownSince;
      this.leaderDownSince = NaN;
    }
    const st = this.nodes[node];
    // A leader that was silent resumes heartbeats; the coordinator ignores them if it was deposed.
    if (st.believesLeader && this.cfg.failover) this.pushTimer(this.now, HB_SEND, node, st.epoch);
    // A deposed leader learns of the new epoch some time after it runs again.
    if (st.believesLeader && st.epoch < this.epoch && this.cfg.failover) {
      this.pushTimer(this.now + sampler(this.cfg.failover.stepDownAfterMs)(this.rFaults), STEP_DOWN, node);
    }
  }

  private crashLeaderNow(): void {
    const fo = this.cfg.failover!;
    const node = this.leader;
    if (this.crashed(node, this.now)) return;
    this.faultWins[node].push({ kind: "crash", fromMs: this.now, toMs: fo.returnsAtMs, factor: 1 });
    this.events.push({ kind: "crash", atMs: this.now, node: this.cfg.names[node] });
    if (Number.isNaN(this.leaderDownSince)) this.leaderDownSince = this.now;
    if (fo.returnsAtMs < Infinity) {
      this.q.push(fo.returnsAtMs, FAULT_END, -1 - node);
    }
  }

  private pushTimer(t: number, kind: number, a = 0, b = 0, c = 0): void {
    this.timersQueued++;
    this.q.push(t, kind, a, b, c);
  }

  // ---------------------------------------------------------------- writes

  private growWrites(): void {
    this.resizeWrites(this.wCap * 2);
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
    const u8 = (a: Uint8Array) => {
      const b = new Uint8Array(cap);
      b.set(a);
      return b;
    };
    this.localDone = u8(this.localDone);
    this.failure = u8(this.failure);
    this.recvMs = this.recvMs.map((a) => f64(a, Infinity));
    this.applyMs = this.applyMs.map((a) => f64(a, Infinity));
    this.wCap = cap;
  }

  private newWrite(client: number, key: number): number {
    if (this.wCount === this.wCap) this.growWrites();
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

  private expGap(perSec: number, rng: Rng): number {
    return (-1000 / perSec) * Math.log(rng.next());
  }

  private rateAt(t: number): number {
    const bursts = this.cfg.workload.bursts;
    for (let i = 0; i < bursts.length; i++) if (t >= bursts[i].fromMs && t < bursts[i].toMs) return bursts[i].writesPerSec;
    return this.cfg.workload.writesPerSec;
  }

  private nextOpenArrival(t: number): number {
    const w = this.cfg.workload;
    if (w.bursts.length === 0) {
      return t + (w.arrival === "fixed" ? 1000 / w.writesPerSec : this.expGap(w.writesPerSec, this.rWork));
    }
    // Piecewise-constant rate: draw from the current rate; if the gap crosses a rate boundary,
    // restart from the boundary (memorylessness makes this exact for Poisson arrivals).
    let now = t;
    for (;;) {
      const rate = this.rateAt(now);
      const gap = w.arrival === "fixed" ? 1000 / rate : this.expGap(rate, this.rWork);
      const boundary = this.nextBoundary(now);
      if (now + gap <= boundary) return now + gap;
      now = boundary;
    }
  }

  private nextBoundary(t: number): number {
    let b = Infinity;
    for (const x of this.cfg.workload.bursts) {
      if (x.fromMs > t && x.fromMs < b) b = x.fromMs;
      if (x.toMs > t && x.toMs < b) b = x.toMs;
    }
    return b;
  }

  private onWriteInvoke(slot: number): void {
    const w = this.cfg.workload;
    let client: number;
    if (slot === 0) {
      const i = this.openGenerated++;
      client = i % w.clients;
      if (this.openGenerated < w.writes) {
        const next = this.nextOpenArrival(this.now);
        if (w.durationMs === undefined || next <= w.durationMs) this.q.push(next, WRITE_INVOKE, 0);
        else this.openGenerated = w.writes;
      }
    } else {
      client = slot - 1;
    }
    const key = w.keys === 1 ? 0 : Math.floor(this.rWork.next() * w.keys);
    const id = this.newWrite(client, key);
    if (slot !== 0) this.wScript[id] = -slot; // closed-loop marker: the client continues on completion
    this.sendWrite(id);
  }

  private sendWrite(id: number): void {
    const client = this.wClient[id];
    const target = this.clientView[client];
    if (this.instantClient) this.onWriteArrive(id, target);
    else this.q.push(this.now + this.reqD(this.rClient), WRITE_ARRIVE, id, target);
  }

  private onWriteArrive(id: number, node: number): void {
    const until = this.downUntil(node, this.now);
    if (until !== NO_FAULT) {
      if (until === Infinity || this.crashed(node, this.now)) {
        // Connection refused or timed out: the client gives up after its timeout.
        const timeout = this.cfg.failover?.clientTimeoutMs ?? 100;
        this.failWrite(id, 1, this.invokeMs[id] + Math.max(timeout, this.now - this.invokeMs[id]));
      } else {
        this.q.push(until, WRITE_ARRIVE, id, node); // paused: handled when it wakes
      }
      return;
    }
    const st = this.nodes[node];
    if (!st.believesLeader) {
      this.clientView[this.wClient[id]] = this.leader; // "not the leader; try L2"
      this.failWrite(id, 1, this.now + this.respD(this.rClient));
      return;
    }
    if (st.epoch < this.epoch && this.cfg.failover?.fencing) {
      // The storage layer has seen a newer fencing token: refuse, and the old leader learns it is deposed.
      this.fenced++;
      this.events.push({ kind: "rejected", atMs: this.now, node: this.cfg.names[node], epoch: st.epoch, reason: `fencing token ${st.epoch} < ${this.epoch}` });
      this.wNode[id] = -1;
      this.clientView[this.wClient[id]] = this.leader;
      this.failWrite(id, 2, this.now + this.respD(this.rClient));
      this.stepDown(node);
      return;
    }
    // Accept: append to the log and ship to followers.
    const lsn = st.log.length + 1;
    st.log.push(id);
    this.lsn[id] = lsn;
    this.wNode[id] = node;
    this.wEpoch[id] = st.epoch;
    this.acceptMs[id] = this.now;
    this.recvMs[node][id] = this.now;
    for (let r = 0; r < this.n; r++) {
      if (r === node) continue;
      const rs = this.nodes[r];
      if (rs.epoch !== st.epoch || rs.believesLeader) continue;
      this.ship(node, r, id);
    }
    if (this.cfg.ack.fallbackAfterMs !== undefined && this.cfg.acksNeeded > 0) {
      this.q.push(this.now + this.cfg.ack.fallbackAfterMs, FALLBACK_CHECK, id);
    }
    if (this.instantLocal) this.onLocalCommit(id, node);
    else this.q.push(this.now + this.commitD(this.rApply[node]), LOCAL_COMMIT, id, node);
  }

  private ship(from: number, to: number, id: number): void {
    const rs = this.nodes[to];
    const m = this.toMean[to];
    let delay = m >= 0 ? -m * Math.log(this.rTo[to].next()) : this.toF[to](this.rTo[to]);
    if (this.faultWins[to].length > 0) delay *= this.slowFactor(to, this.now);
    let t = this.now + delay;
    if (t < rs.lastArrival) t = rs.lastArrival; // the replication stream is ordered (TCP)
    rs.lastArrival = t;
    this.q.push(t, RECV, id, to, this.nodes[from].epoch);
  }

  private onLocalCommit(id: number, node: number): void {
    const st = this.nodes[node];
    if (this.lsn[id] > st.log.length || st.log[this.lsn[id] - 1] !== id) return; // truncated meanwhile
    const until = this.downUntil(node, this.now);
    if (until !== NO_FAULT) {
      if (until < Infinity) this.q.push(until, LOCAL_COMMIT, id, node);
      return;
    }
    this.localDone[id] = 1;
    this.applyMs[node][id] = this.now; // the leader's own reads see it from its local commit
    this.tryCommit(node);
  }

  /** Acknowledges, in log order, every write whose policy is now satisfied. */
  private tryCommit(node: number): void {
    const st = this.nodes[node];
    if (!st.believesLeader) return;
    const log = st.log;
    const needed = this.degraded ? 0 : this.acksNeededBy(node);
    while (st.commitPtr < log.length) {
      const id = log[st.commitPtr];
      if (!this.localDone[id]) break;
      if (needed > 0 && !this.satisfied(node, st.commitPtr + 1, needed)) break;
      st.commitPtr++;
      this.ackWrite(id, node);
    }
  }

  /**
   * Follower acknowledgements the policy needs on `node`. Sync-all counts the followers the leader
   * has: the official leader knows who follows it; a deposed leader still counts everyone, so it
   * waits forever rather than acknowledging alone.
   */
  private acksNeededBy(node: number): number {
    if (!this.syncAllPolicy) return this.cfg.acksNeeded;
    return node === this.leader ? this.followerCount(node) : this.n - 1;
  }

  private satisfied(node: number, lsn: number, needed: number): boolean {
    const acked = this.nodes[node].acked;
    const named = this.cfg.namedFollower;
    if (named >= 0 && named !== node) return acked[named] >= lsn;
    let count = 0;
    for (let r = 0; r < this.n; r++) if (acked[r] >= lsn) count++;
    return count >= needed;
  }

  private followerCount(node: number): number {
    const e = this.nodes[node].epoch;
    let count = 0;
    for (let r = 0; r < this.n; r++) if (r !== node && this.nodes[r].epoch === e && !this.nodes[r].believesLeader) count++;
    return count;
  }

  private ackWrite(id: number, node: number): void {
    const t = this.instantClient ? this.now : this.now + this.respD(this.rClient);
    this.ackMs[id] = t;
    this.completeMs[id] = t;
    const st = this.nodes[node];
    if (st.epoch < this.epoch) this.splitBrainWrites++;
    const s = this.sessions[this.wClient[id]];
    if (this.lsn[id] > s.lastWriteLsn) s.lastWriteLsn = this.lsn[id];
    const fo = this.cfg.failover;
    if (fo && fo.crashAfterAckOf === id) this.q.push(this.now, CRASH_LEADER);
    this.onWriteDone(id, t);
  }

  private failWrite(id: number, why: number, t: number): void {
    if (this.failure[id] !== 0 || this.ackMs[id] < Infinity) return;
    this.failure[id] = why;
    this.completeMs[id] = t;
    this.onWriteDone(id, t);
  }

  private onWriteDone(id: number, t: number): void {
    const slot = this.wScript[id];
    if (slot < 0) {
      // Closed loop: think, then write again.
      const cl = this.cfg.workload.closedLoop!;
      const client = -slot - 1;
      const done = (this.closedWrites[client] = (this.closedWrites[client] ?? 0) + 1);
      if (done < cl.writesPerClient) this.q.push(t + sampler(cl.thinkMs)(this.rWork), WRITE_INVOKE, client + 1);
      else this.closedLeft--;
    } else if (slot > 0) {
      this.scriptCompleted(slot - 1, t);
    }
  }
  private closedWrites: number[] = [];

  private onRecv(id: number, node: number, epoch: number): void {
    const st = this.nodes[node];
    if (epoch < st.epoch) return; // from a deposed leader: the storage refuses it
    if (this.faultWins[node].length > 0) {
      const until = this.downUntil(node, this.now);
      if (until !== NO_FAULT) {
        // Delivered (or re-sent) when the node is back; lost if it never comes back.
        if (until < Infinity) this.q.push(until, RECV, id, node, epoch);
        return;
      }
    }
    const sender = this.senderOf(epoch);
    // A crash kills the sender's connections: what it had sent but not yet delivered is lost.
    if (sender >= 0 && this.faultWins[sender].length > 0 && this.crashed(sender, this.now)) return;
    const lsn = this.lsn[id];
    if (lsn !== st.log.length + 1) return; // a duplicate or a gap after truncation: the resend covers it
    st.log.push(id);
    this.recvMs[node][id] = this.now;
    // One apply thread, in log order: an entry starts applying when it has arrived and the one
    // before it is done, so a burst or a slow apply builds a backlog (and lag grows with load).
    const applied = (this.now > st.lastApply ? this.now : st.lastApply) + (this.noApply[node] ? 0 : this.applyD[node](this.rApply[node]));
    st.lastApply = applied;
    this.applyMs[node][id] = applied;
    if (st.waiters.length > 0) this.wakeWaiters(node, lsn, applied);
    // Async without a fallback never looks at acknowledgements: do not simulate them.
    if (sender < 0 || !this.needsAcks) return;
    const ackAt = this.ackOnApply ? applied : this.now;
    const mb = this.backMean[node];
    let delay = mb >= 0 ? -mb * Math.log(this.rBack[node].next()) : this.toL[node](this.rBack[node]);
    if (this.faultWins[node].length > 0) delay *= this.slowFactor(node, this.now);
    let t = ackAt + delay;
    if (t < st.lastAckArrival) t = st.lastAckArrival;
    st.lastAckArrival = t;
    this.q.push(t, ACK, lsn, node, epoch);
  }

  /** The node that leads `epoch` (the official leader, or a deposed one still in that epoch). */
  private senderOf(epoch: number): number {
    if (this.nodes[this.leader].epoch === epoch) return this.leader;
    for (let r = 0; r < this.n; r++) if (this.nodes[r].believesLeader && this.nodes[r].epoch === epoch) return r;
    return -1;
  }

  private onAck(lsn: number, from: number, epoch: number): void {
    const leader = this.senderOf(epoch);
    if (leader < 0) return;
    const st = this.nodes[leader];
    if (st.epoch !== epoch || !st.believesLeader) return;
    const until = this.downUntil(leader, this.now);
    if (until !== NO_FAULT) {
      if (until < Infinity) this.q.push(until, ACK, lsn, from, epoch);
      return;
    }
    if (lsn > st.acked[from]) st.acked[from] = lsn;
    if (this.degraded) this.maybeRecoverFromFallback(leader);
    this.tryCommit(leader);
  }

  private onFallbackCheck(id: number): void {
    if (this.ackMs[id] < Infinity || this.failure[id] !== 0 || this.wNode[id] < 0) return;
    const node = this.wNode[id];
    if (!this.nodes[node].believesLeader || this.degraded) return;
    // Waited too long for followers: acknowledge anyway and run async until they catch up.
    this.degraded = true;
    this.events.push({ kind: "ack-fallback", atMs: this.now, mode: "async" });
    this.tryCommit(node);
  }

  private maybeRecoverFromFallback(leader: number): void {
    // Back to synchronous once the followers have caught up with the whole log.
    const last = this.nodes[leader].log.length;
    const needed = this.acksNeededBy(leader);
    if (this.satisfied(leader, last, needed)) {
      this.degraded = false;
      this.events.push({ kind: "ack-fallback", atMs: this.now, mode: "sync" });
    }
  }

  // ---------------------------------------------------------------- reads

  private onReadInvoke(): void {
    const cfg = this.cfg;
    this.readsDone = false;
    const horizon = this.writeHorizon();
    const next = this.now + this.expGap(cfg.reads.readsPerSec, this.rReads);
    if (next <= horizon) this.q.push(next, READ_INVOKE);
    else this.readsDone = true;
    const client = Math.floor(this.rReads.next() * cfg.workload.clients);
    let key = this.clientLastKey[client];
    if (key < 0 || this.rReads.next() >= cfg.reads.ownKeyShare) key = Math.floor(this.rReads.next() * cfg.workload.keys);
    this.startRead(client, [key]);
  }

  /** Generated reads stop when the generated writes stop (or at durationMs). */
  private writeHorizon(): number {
    const w = this.cfg.workload;
    if (w.durationMs !== undefined) return w.durationMs;
    if (w.writes > 0) return this.openGenerated >= w.writes ? this.now : Infinity;
    if (w.closedLoop) return this.closedLeft > 0 ? Infinity : this.now;
    return this.lastScriptTime();
  }

  private lastScriptTime(): number {
    let t = 0;
    for (const op of this.cfg.workload.script) t = Math.max(t, op.atMs);
    return t;
  }

  private startRead(client: number, keys: number[], purpose?: string, label?: string): number {
    const r = this.reads.length;
    const rec: ReadRec = { client, invokeMs: this.now, completeMs: Infinity, parts: [], pending: keys.length, lastDoneMs: -Infinity, purpose, label };
    this.reads.push(rec);
    // Keys of one page that go to the same node travel in one request: they arrive together and
    // see the same state there. Pages hold a few keys, so the earlier parts are scanned.
    for (let k = 0; k < keys.length; k++) {
      const p = this.parts.length;
      const part = this.route(r, client, keys[k], purpose);
      this.parts.push(part);
      let at = -1;
      for (let j = 0; j < k; j++) {
        const earlier = this.parts[rec.parts[j]];
        if (earlier.node === part.node) {
          at = this.arriveMs[j];
          break;
        }
      }
      if (at < 0) at = this.now + this.reqD(this.rClient);
      this.arriveMs[k] = at;
      rec.parts.push(p);
      this.q.push(at, READ_ARRIVE, p, part.node, 0);
    }
    return r;
  }
  /** Scratch: when each part of the read being started arrives. */
  private arriveMs: number[] = [];
  /** The routers' `random`, made once. */
  private readonly routeRandom = (): number => this.rReads.next();

  /** Asks the router where read `r`'s part for `key` goes. */
  private route(r: number, client: number, key: number, purpose?: string): ReadPart {
    const view = this.clientView[client];
    const ctx: ReadContext = {
      client: this.clientNames[client],
      key: this.keyNames[key],
      purpose,
      nowMs: this.now,
      leader: this.cfg.names[view],
      followers: this.followerViews(view),
      session: this.sessions[client],
      random: this.routeRandom,
    };
    const d = this.router!(ctx);
    const name = typeof d === "string" ? d : d && typeof d === "object" ? d.node : undefined;
    const node = typeof name === "string" ? this.cfg.names.indexOf(name) : -1;
    if (node < 0) {
      throw new Error(
        `reads.routing returned ${JSON.stringify(d)} for client ${ctx.client}; it must return a node name (${this.cfg.names.join(", ")}) or { node, minLsn?, ifBehind? }`,
      );
    }
    if (typeof d === "string") return { read: r, key, node, minLsn: 0, ifBehind: "none" };
    const minLsn = typeof d.minLsn === "number" && d.minLsn > 0 ? d.minLsn : 0;
    return { read: r, key, node, minLsn, ifBehind: minLsn > 0 ? d.ifBehind ?? "leader" : "none" };
  }

  private followerViews(leader: number): { name: string; up: boolean; appliedLsn: number; lagMs: number }[] {
    const out = [];
    for (let r = 0; r < this.n; r++) {
      if (r === leader) continue;
      out.push({ name: this.cfg.names[r], up: this.downUntil(r, this.now) === NO_FAULT, appliedLsn: this.appliedLsn(r), lagMs: this.lagMs(r, leader) });
    }
    return out;
  }

  /** Highest LSN visible to reads on `node` now. */
  private appliedLsn(node: number): number {
    const st = this.nodes[node];
    this.advance(node);
    return st.applied;
  }

  /** How long ago the leader accepted the oldest entry `node` has not applied (0 when caught up). */
  private lagMs(node: number, leader: number): number {
    const lst = this.nodes[leader];
    const applied = this.appliedLsn(node);
    if (applied >= lst.log.length) return 0;
    const first = lst.log[applied];
    return this.now - this.acceptMs[first];
  }

  /** Folds every entry visible by now into the node's key -> write map. */
  private advance(node: number): void {
    const st = this.nodes[node];
    const log = st.log;
    const vis = this.applyMs[node];
    while (st.applied < log.length && vis[log[st.applied]] <= this.now) {
      const id = log[st.applied];
      st.state[this.wKey[id]] = id;
      st.applied++;
    }
  }

  private onReadArrive(p: number, node: number, forwarded: number): void {
    const until = this.downUntil(node, this.now);
    const part = this.parts[p];
    if (until !== NO_FAULT) {
      if (until === Infinity || this.crashed(node, this.now)) {
        // No answer: after a timeout the client asks its leader instead.
        const timeout = this.cfg.failover?.clientTimeoutMs ?? 100;
        const leader = this.clientView[this.reads[part.read].client];
        part.node = leader;
        this.q.push(this.now + timeout, READ_ARRIVE, p, leader, 1);
      } else this.q.push(until, READ_ARRIVE, p, node, forwarded);
      return;
    }
    if (part.minLsn > 0 && forwarded === 0 && this.appliedLsn(node) < part.minLsn) {
      if (part.ifBehind === "wait") {
        const st = this.nodes[node];
        const idx = part.minLsn - 1;
        if (idx < st.log.length) this.q.push(this.applyMs[node][st.log[idx]], READ_SERVE, p, node);
        else {
          st.waiters.push([p, part.minLsn]);
          this.q.push(this.now + (this.cfg.failover?.clientTimeoutMs ?? 100), WAIT_TIMEOUT, p, node);
        }
        return;
      }
      const leader = this.clientView[this.reads[part.read].client];
      part.node = leader;
      this.q.push(this.now + this.reqD(this.rClient), READ_ARRIVE, p, leader, 1);
      return;
    }
    this.serve(p, node);
  }

  private wakeWaiters(node: number, lsn: number, visibleAt: number): void {
    const st = this.nodes[node];
    const keep: [number, number][] = [];
    for (const wt of st.waiters) {
      if (wt[1] <= lsn) this.q.push(visibleAt, READ_SERVE, wt[0], node);
      else keep.push(wt);
    }
    st.waiters = keep;
  }

  /** A read waiting on a follower that crashed meanwhile gives up and asks the leader. */
  private onWaitTimeout(p: number, node: number): void {
    const part = this.parts[p] as ReadPart & { seen?: number };
    if (part.seen !== undefined) return;
    if (!this.crashed(node, this.now)) {
      this.q.push(this.now + (this.cfg.failover?.clientTimeoutMs ?? 100), WAIT_TIMEOUT, p, node);
      return;
    }
    const st = this.nodes[node];
    st.waiters = st.waiters.filter((w) => w[0] !== p);
    const leader = this.clientView[this.reads[part.read].client];
    part.node = leader;
    this.q.push(this.now + this.reqD(this.rClient), READ_ARRIVE, p, leader, 1);
  }

  private serve(p: number, node: number): void {
    const part = this.parts[p];
    if ((part as ReadPart & { seen?: number }).seen !== undefined) return; // already answered
    this.advance(node);
    part.node = node;
    const id = this.nodes[node].state[part.key];
    (part as ReadPart & { seen?: number }).seen = id;
    this.readsServedBy[node]++;
    const rec = this.reads[part.read];
    const done = this.now + this.respD(this.rClient);
    const s = this.sessions[rec.client];
    s.lastReadNode = this.cfg.names[node];
    if (id >= 0 && this.lsn[id] > s.lastReadLsn) s.lastReadLsn = this.lsn[id];
    if (done > rec.lastDoneMs) rec.lastDoneMs = done;
    if (--rec.pending === 0) {
      rec.completeMs = rec.lastDoneMs;
      const si = this.readScriptIndex.get(part.read);
      if (si !== undefined) this.scriptCompleted(si, rec.completeMs);
    }
  }
  private readonly readScriptIndex = new Map<number, number>();

  // ---------------------------------------------------------------- scripted operations

  private onScriptOp(i: number): void {
    const op = this.cfg.workload.script[i];
    const client = this.clientIds.get(op.client)!;
    if (op.kind === "write") {
      const key = this.keyIds.get(op.key)!;
      const id = this.newWrite(client, key);
      this.wScript[id] = i + 1;
      this.wValue[id] = op.value;
      if (op.label !== undefined) this.scriptWrite.set(op.label, id);
      if (op.dependsOn) this.wDeps[id] = op.dependsOn.map((l) => this.scriptWrite.get(l)!).filter((x) => x !== undefined);
      this.sendWrite(id);
    } else {
      const r = this.startRead(
        client,
        op.keys.map((k) => this.keyIds.get(k)!),
        op.purpose,
        op.label ?? `#${i}`,
      );
      this.readScriptIndex.set(r, i);
    }
  }

  private scriptCompleted(i: number, t: number): void {
    if (!Number.isNaN(this.scriptDone[i])) return;
    this.scriptDone[i] = t;
    const label = this.cfg.workload.script[i].label;
    if (label === undefined) return;
    const script = this.cfg.workload.script;
    for (const j of this.scriptAfter().get(label) ?? []) this.q.push((Number.isFinite(t) ? t : this.now) + script[j].atMs, SCRIPT_OP, j);
  }

  /** Script indices by the label they wait for (`afterOp`), in script order; built on first use. */
  private scriptAfter(): Map<string, number[]> {
    if (this.afterIndex) return this.afterIndex;
    const index = new Map<string, number[]>();
    this.cfg.workload.script.forEach((op, j) => {
      if (op.afterOp === undefined) return;
      const list = index.get(op.afterOp);
      if (list) list.push(j);
      else index.set(op.afterOp, [j]);
    });
    return (this.afterIndex = index);
  }
  private afterIndex: Map<string, number[]> | undefined;

  // ---------------------------------------------------------------- failure detection and failover

  private lastHbArrival = 0;
  private detectorDelay: (r: Rng) => number = () => 0;

  private onHbSend(node: number, epoch: number): void {
    this.timersQueued--;
    const st = this.nodes[node];
    if (!st.believesLeader || st.epoch !== epoch) return;
    if (this.downUntil(node, this.now) !== NO_FAULT) return; // silent; restarted by onNodeBack
    const fo = this.cfg.failover!;
    if (node === this.leader) {
      const d = this.detectorDelay(this.rFaults) * (this.faultWins[node].length > 0 ? this.slowFactor(node, this.now) : 1);
      // Heartbeats share one ordered connection (as with TCP sessions to a coordinator): one
      // delayed heartbeat holds back those behind it, which is how a latency spike becomes silence.
      let t = this.now + d;
      if (t < this.lastHbArrival) t = this.lastHbArrival;
      this.lastHbArrival = t;
      this.pushTimer(t, HB_ARRIVE, epoch);
    }
    this.pushTimer(this.now + fo.heartbeatMs, HB_SEND, node, epoch);
  }

  private onHbArrive(epoch: number): void {
    this.timersQueued--;
    if (epoch !== this.epoch) return;
    if (this.now > this.lastHeard) this.lastHeard = this.now;
    this.pushTimer(this.now + this.cfg.failover!.timeoutMs, TIMEOUT_CHECK);
  }

  private onTimeoutCheck(): void {
    this.timersQueued--;
    const fo = this.cfg.failover!;
    // Compare against the same sum the check was scheduled at: `now - lastHeard` can round below it.
    if (this.electing || this.now < this.lastHeard + fo.timeoutMs) return;
    const old = this.leader;
    const candidate = this.pickCandidate(old);
    this.events.push({ kind: "suspect", atMs: this.now, node: this.cfg.names[old], by: "monitor" });
    if (candidate < 0) {
      this.pushTimer(this.now + fo.timeoutMs, TIMEOUT_CHECK); // nobody to promote: try again later
      return;
    }
    this.electing = true;
    // The old leader was alive (slow heartbeats, or paused and about to resume): an unneeded failover.
    if (!this.crashed(old, this.now)) this.spurious++;
    this.pushTimer(this.now + sampler(fo.electionMs)(this.rFaults), ELECTION_DONE, candidate, this.epoch + 1);
  }

  private pickCandidate(old: number): number {
    const fo = this.cfg.failover!;
    const live: number[] = [];
    for (let r = 0; r < this.n; r++) {
      if (r === old || this.nodes[r].epoch !== this.epoch || this.nodes[r].believesLeader) continue;
      if (this.downUntil(r, this.now) !== NO_FAULT) continue;
      live.push(r);
    }
    if (live.length === 0) return -1;
    if (typeof fo.election === "number") return live.includes(fo.election) ? fo.election : -1;
    if (fo.election === "random") return live[Math.floor(this.rFaults.next() * live.length)];
    // Most up to date by received position (promotion replays everything received); ties go to
    // the first in name order, so the choice is deterministic.
    let best = live[0];
    for (const r of live) if (this.nodes[r].log.length > this.nodes[best].log.length) best = r;
    return best;
  }

  private onElectionDone(cand: number, epoch: number): void {
    this.timersQueued--;
    this.electing = false;
    const fo = this.cfg.failover!;
    if (this.downUntil(cand, this.now) !== NO_FAULT) {
      this.pushTimer(this.now, TIMEOUT_CHECK); // the candidate died meanwhile: elect again
      return;
    }
    const old = this.leader;
    this.epoch = epoch;
    this.leader = cand;
    this.failovers++;
    const cs = this.nodes[cand];
    cs.epoch = epoch;
    cs.believesLeader = true;
    // Promotion replays every received entry: all become visible now, and all count as committed.
    const vis = this.applyMs[cand];
    for (const id of cs.log) {
      if (vis[id] > this.now) vis[id] = this.now;
      this.localDone[id] = 1;
    }
    cs.commitPtr = cs.log.length;
    cs.acked.fill(0);
    cs.lastApply = this.now;
    this.events.push({ kind: "elected", atMs: this.now, node: this.cfg.names[cand], epoch });
    if (!Number.isNaN(this.leaderDownSince)) {
      this.outageMs += this.now - this.leaderDownSince;
      this.leaderDownSince = NaN;
    }
    for (let r = 0; r < this.n; r++) {
      if (r === cand || r === old) continue;
      const rs = this.nodes[r];
      if (rs.believesLeader) continue;
      rs.epoch = epoch;
      this.rejoin(r);
    }
    // The old leader keeps believing it leads until it learns otherwise.
    const os = this.nodes[old];
    if (os.believesLeader) {
      const until = this.downUntil(old, this.now);
      const from = until === NO_FAULT ? this.now : until;
      if (from < Infinity) this.pushTimer(from + sampler(fo.stepDownAfterMs)(this.rFaults), STEP_DOWN, old);
    }
    this.lastHeard = this.now;
    this.pushTimer(this.now, HB_SEND, cand, epoch);
    this.pushTimer(this.now + fo.timeoutMs, TIMEOUT_CHECK);
    const reroute = sampler(fo.clientRerouteMs);
    for (let c = 0; c < this.clientNames.length; c++) this.q.push(this.now + reroute(this.rFaults), CLIENT_REROUTE, c);
  }

  /** Makes `node` a follower of the current leader: cut its log back to the common prefix, then catch up. */
  private rejoin(node: number): void {
    const st = this.nodes[node];
    const ls = this.nodes[this.leader];
    // Logs share a prefix and a write sits at one position in any log, so "same write at
    // position p-1" is monotone in p: binary search for the longest common prefix.
    let lo = 0;
    let hi = Math.min(st.log.length, ls.log.length);
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (st.log[mid - 1] === ls.log[mid - 1]) lo = mid;
      else hi = mid - 1;
    }
    if (lo < st.log.length) {
      st.log.length = lo;
      if (st.applied > lo) {
        // Rebuild the visible state from the surviving prefix.
        st.state.fill(-1);
        st.applied = 0;
        for (let i = 0; i < lo; i++) st.state[this.wKey[st.log[i]]] = st.log[i];
        st.applied = lo;
      }
    }
    st.lastApply = Math.max(st.lastApply, this.now);
    st.commitPtr = 0;
    ls.acked[node] = lo;
    for (let i = lo; i < ls.log.length; i++) this.ship(this.leader, node, ls.log[i]);
  }

  private onStepDown(node: number): void {
    this.timersQueued--;
    this.stepDown(node);
  }

  private stepDown(node: number): void {
    const st = this.nodes[node];
    if (!st.believesLeader || st.epoch >= this.epoch || node === this.leader) return;
    if (this.downUntil(node, this.now) !== NO_FAULT) {
      const until = this.downUntil(node, this.now);
      if (until < Infinity) this.pushTimer(until, STEP_DOWN, node);
      return;
    }
    st.believesLeader = false;
    this.events.push({ kind: "demoted", atMs: this.now, node: this.cfg.names[node], epoch: st.epoch });
    st.epoch = this.epoch;
    this.rejoin(node);
  }

  // ---------------------------------------------------------------- result

  private result(eventCount: number): RunResult {
    const n = this.wCount;
    const cfg = this.cfg;
    // Writes still waiting: stalled on a live leader, or lost with a dead or deposed one.
    let stalled = 0;
    for (let id = 0; id < n; id++) {
      if (this.ackMs[id] < Infinity || this.failure[id] !== 0) continue;
      const node = this.wNode[id];
      const alive = node >= 0 && this.nodes[node].believesLeader && !this.crashed(node, this.now);
      if (alive) {
        this.failure[id] = 3;
        stalled++;
      } else {
        this.failure[id] = 1;
        this.completeMs[id] = this.invokeMs[id] + (cfg.failover?.clientTimeoutMs ?? 100);
      }
    }
    // Views, not copies: the run owns its arrays, and copying 15 of them per run is what made
    // sweeps spend their time in the garbage collector.
    const slice = (a: Float64Array) => a.subarray(0, n);
    const writes: WriteTable = {
      count: n,
      invokeMs: slice(this.invokeMs),
      acceptMs: slice(this.acceptMs),
      ackMs: slice(this.ackMs),
      lsn: this.lsn.subarray(0, n),
      node: this.wNode.subarray(0, n),
      epoch: this.wEpoch.subarray(0, n),
      receivedMs: this.recvMs.slice(1).map(slice),
      appliedMs: this.applyMs.slice(1).map(slice),
    };
    const history = cfg.recordHistory ? this.buildHistory() : { ops: [], events: this.events, finalLog: [], finalLeader: cfg.names[this.leader] };
    const served: Record<string, number> = {};
    cfg.names.forEach((name, i) => (served[name] = this.readsServedBy[i]));
    const ackMs = writes.ackMs;
    const invokeMs = writes.invokeMs;
    return {
      seed: cfg.seed,
      nodes: cfg.names.slice(),
      followers: cfg.names.slice(1),
      config: cfg,
      writes,
      commitLatencyMs() {
        let count = 0;
        for (let i = 0; i < n; i++) if (ackMs[i] < Infinity) count++;
        const out = new Float64Array(count);
        let j = 0;
        for (let i = 0; i < n; i++) if (ackMs[i] < Infinity) out[j++] = ackMs[i] - invokeMs[i];
        return out;
      },
      history,
      readsServedBy: served,
      failover: {
        failovers: this.failovers,
        spuriousFailovers: this.spurious,
        outageMs: this.outageMs,
        fencedWrites: this.fenced,
        splitBrainWrites: this.splitBrainWrites,
      },
      stalledWrites: stalled,
      endMs: this.now,
      eventCount,
    };
  }

  private buildHistory(): History {
    const names = this.cfg.names;
    const failureName: (WriteFailure | undefined)[] = [undefined, "not-leader", "fenced", "stalled"];
    const writeOpId = new Int32Array(this.wCount);
    const makeWrite = (w: number, id: number): WriteOp => {
      writeOpId[w] = id;
      const acked = this.ackMs[w] < Infinity;
      const op: WriteOp = {
        kind: "write",
        id,
        client: this.clientNames[this.wClient[w]],
        key: this.keyNames[this.wKey[w]],
        value: this.wValue[w] ?? `v${w}`,
        invokeMs: this.invokeMs[w],
        completeMs: this.completeMs[w],
        node: this.wNode[w] >= 0 ? names[this.wNode[w]] : null,
        acceptedMs: this.acceptMs[w],
        epoch: this.wNode[w] >= 0 ? this.wEpoch[w] : 0,
        lsn: this.wNode[w] >= 0 ? this.lsn[w] : 0,
        acknowledged: acked,
      };
      if (!acked) op.failure = failureName[this.failure[w]] ?? "stalled";
      return op;
    };
    const makeRead = (rec: ReadRec, id: number): ReadOp => {
      const observed: ReadOp["observed"] = [];
      for (const p of rec.parts) {
        const part = this.parts[p] as ReadPart & { seen?: number };
        const seen = part.seen ?? -1;
        observed.push({
          key: this.keyNames[part.key],
          value: seen >= 0 ? this.wValue[seen] ?? `v${seen}` : null,
          writeId: seen, // remapped to op ids below
          lsn: seen >= 0 ? this.lsn[seen] : 0,
          node: names[part.node],
        });
      }
      const op: ReadOp = { kind: "read", id, client: this.clientNames[rec.client], invokeMs: rec.invokeMs, completeMs: rec.completeMs, observed };
      if (rec.purpose !== undefined) op.purpose = rec.purpose;
      return op;
    };
    // Operations in invocation order, writes before reads invoked at the same moment. Both are
    // numbered as they are invoked, so merging the two sequences is enough.
    const ops: Op[] = [];
    const reads = this.reads;
    let w = 0;
    let r = 0;
    while (w < this.wCount || r < reads.length) {
      if (r >= reads.length || (w < this.wCount && this.invokeMs[w] <= reads[r].invokeMs)) ops.push(makeWrite(w++, ops.length));
      else ops.push(makeRead(reads[r++], ops.length));
    }
    for (const op of ops) {
      if (op.kind === "read") {
        for (const o of op.observed) if (o.writeId >= 0) o.writeId = writeOpId[o.writeId];
      }
    }
    for (let w = 0; w < this.wCount; w++) {
      const deps = this.wDeps[w];
      if (deps && deps.length > 0) (ops[writeOpId[w]] as WriteOp).dependsOn = deps.map((d) => writeOpId[d]);
    }
    const finalLog = this.nodes[this.leader].log.map((w) => writeOpId[w]);
    return { ops, events: this.events, finalLog, finalLeader: names[this.leader] };
  }
}

/**
 * The configuration of a simulated run: every option `simulate` accepts, with its default, and the
 * complete, checked form `normalize` turns it into.
 */
import type { Dist } from "../dist";
import type { AckPolicy, AckRule } from "../policies";
import type { CoordinatorConfig, FencingConfig, NormalizedCoordinator, NormalizedFencing } from "../coordination";
import type { NormalizedPartition, PartitionFault } from "../partitions";
import type { ReadRouting } from "../reads";
import type { JointStepsConfig, NormalizedJointSteps } from "./joint";
import type { FollowerStepsConfig, NormalizedSteps, StepsConfig } from "./steps";
import type { NormalizedTrigger, Trigger } from "../triggers";

/**
 * A fault on one node over a time window. A node's crash and pause windows may not overlap (a node
 * is down once at a time); slow windows may overlap anything, and their factors multiply.
 */
export interface Fault {
  /** The node's name ("L" for the initial leader, "A", "B", … for followers). */
  node: string;
  /**
   * - "slow": messages to the node and its acknowledgements take `factor` times longer;
   * - "pause": the node stops (a long GC pause, a frozen VM) and resumes where it was, handling
   *   what queued up meanwhile; a paused leader still believes it leads when it wakes;
   * - "crash": the node is down; requests to it fail; it recovers at `toMs` with its durable log.
   */
  kind: "slow" | "pause" | "crash";
  /** Start of the window: a finite time >= 0 ms. */
  fromMs: number;
  /** End of the window; omitted (or Infinity) means until the end of the run. */
  toMs?: number;
  /** For "slow": the delay multiplier. Default 10. */
  factor?: number;
}

/** A follower's options; its write and flush times (`writeMs`, `flushMs`) are described in steps.ts. */
export interface FollowerConfig extends FollowerStepsConfig {
  /** Default "A", "B", "C", … by position. */
  name?: string;
  /** Delay of replication messages from the leader to this follower. Default: `network.toFollowerMs`. */
  toFollowerMs?: Dist;
  /** Delay of acknowledgements from this follower to the leader. Default: `network.toLeaderMs`. */
  toLeaderMs?: Dist;
  /** Time to apply an entry after receiving it (in log order). Default: `applyMs`. */
  applyMs?: Dist;
}

export interface NetworkConfig {
  /** Shortcut: the same delay distribution in both directions. */
  oneWayMs?: Dist;
  /** Leader to follower. Default: `oneWayMs`, else exponential mean 1 ms. */
  toFollowerMs?: Dist;
  /** Follower to leader. Default: `oneWayMs`, else exponential mean 1 ms. */
  toLeaderMs?: Dist;
  /** Client to any node (request). Default constant 0: latencies then show the database's share alone. */
  clientRequestMs?: Dist;
  /** Any node to client (response). Default constant 0. */
  clientResponseMs?: Dist;
}

/** A scripted client operation, for scenarios such as "Alice edits her profile, then reloads it". */
export type ScriptedOp =
  | {
      kind: "write";
      /** When the client sends it; with `afterOp`, the delay after that op completes. */
      atMs: number;
      client: string;
      key: string;
      value: string;
      /** Label to refer to this op from `afterOp` or `dependsOn`. */
      label?: string;
      /** Start only when the op with this label has completed (plus `atMs`). */
      afterOp?: string;
      /** Labels of writes this write causally depends on (a reply depends on its question). */
      dependsOn?: string[];
    }
  | {
      kind: "read";
      atMs: number;
      client: string;
      /** One key, or several read as one page (each key routed on its own). */
      keys: string[];
      label?: string;
      afterOp?: string;
      purpose?: string;
    };

export interface WorkloadConfig {
  /** Open-loop write arrival rate. Default 1000 writes/s. */
  writesPerSec?: number;
  /** How many open-loop writes. Default 10,000 (or what `durationMs` implies). */
  writes?: number;
  /** Alternatively, generate writes for this long. */
  durationMs?: number;
  /** "poisson" (exponential gaps, the default) or "fixed" (evenly spaced). */
  arrival?: "poisson" | "fixed";
  /**
   * Bursts: windows with another write rate. A rate of 0 is a pause: no open-loop write after
   * `fromMs` until `toMs` (one due exactly at `fromMs` is sent, as at any change of rate).
   */
  bursts?: { fromMs: number; toMs: number; writesPerSec: number }[];
  /** Number of clients the writes are spread over (round robin). Default 10. */
  clients?: number;
  /** Closed loop instead of open loop: each client writes, waits for the outcome, thinks, writes again. */
  closedLoop?: { clients: number; thinkMs?: Dist; writesPerClient: number };
  /** Number of distinct keys written (uniformly). Default 100. */
  keys?: number;
  /** Scripted operations, in addition to (or instead of, with `writes: 0`) the generated ones. */
  script?: ScriptedOp[];
}

export interface ReadsConfig {
  /** Read arrival rate (open loop, Poisson). Default 0: no generated reads. */
  readsPerSec?: number;
  /** Where reads go. Default `anyFollower()` when there are followers, else the leader. */
  routing?: ReadRouting;
  /** Share of reads that read the key the same client last wrote (the rest read a random key). Default 0.5. */
  ownKeyShare?: number;
}

export interface FailoverConfig {
  /** Crash the leader at a time, or right after it acknowledges the write with this index (0-based). */
  crashLeader?: { atMs: number } | { afterAckOfWrite: number };
  /** When the crashed leader comes back (it believes it still leads until it learns the new epoch). */
  oldLeaderReturnsAtMs?: number;
  /**
   * Failure detection: the leader heartbeats every `heartbeatMs` (default 10); silence for
   * `timeoutMs` (default 50, more than 0) triggers an election. `delayMs` is a heartbeat's trip to
   * the detector (default: the network's leader-to-follower delay).
   */
  detector?: { heartbeatMs?: number; timeoutMs?: number; delayMs?: Dist };
  /** Default "most-up-to-date" (highest received log position; ties to the first by name order). */
  election?: "most-up-to-date" | "random" | { fixed: string };
  /** Time from suspicion to the new leader accepting writes. Default 0. */
  electionMs?: Dist;
  /**
   * Storage checks each write's epoch (fencing token) and rejects a deposed leader's writes: `true`
   * (one storage node, told of each new epoch at once) or the storage's options (lib/coordination.ts).
   * Default false.
   */
  fencing?: boolean | FencingConfig;
  /** Who decides leadership: "monitor" (the default), several monitors, or a majority lease (lib/coordination.ts). */
  coordinator?: CoordinatorConfig;
  /** How long a deposed leader takes to learn of the new epoch once it runs again. Default constant 500 ms. */
  stepDownAfterMs?: Dist;
  /** How long each client takes to learn of a new leader. Default exponential mean 50 ms. */
  clientRerouteMs?: Dist;
  /** A client writing to (or reading from) a node that does not answer gives up after this long (more than 0). Default 100 ms. */
  clientTimeoutMs?: number;
}

/**
 * What one run may use before it is stopped with a ConfigError naming the limit. The defaults let
 * every sensible run through and stop a runaway one (a rate of 1e9 a second, a failure detector
 * that suspects the leader on every heartbeat) in well under a minute.
 */
export interface LimitsConfig {
  /** Events the event loop may handle. Default 100,000,000 (tens of seconds of work). */
  maxEvents?: number;
  /**
   * Memory the run's tables may take, as estimated from its writes and reads, in MB. Default 2048.
   * Never more than half of the process's JavaScript heap, whatever this says: past that, Node
   * would end the process ("heap out of memory"); `node --max-old-space-size` sets the heap.
   */
  memoryMb?: number;
  /** How far virtual time may run, in ms. Default 1e10 (about four months). */
  maxVirtualMs?: number;
}

/**
 * Everything `simulate` accepts. Only `seed` is required. `shipAfter` (when the leader sends
 * entries) and the followers' `writeMs` and `flushMs` are described in steps.ts.
 */
export interface SimConfig extends StepsConfig {
  seed: number;
  /** Number of followers, or one entry per follower. Default 2. */
  followers?: number | FollowerConfig[];
  /** Default `asyncAck()`. */
  ack?: AckPolicy;
  network?: NetworkConfig;
  /** Default apply delay on followers. Default constant 0. */
  applyMs?: Dist;
  /** The leader's local commit (e.g. fsync) time. Default constant 0. */
  leaderCommitMs?: Dist;
  workload?: WorkloadConfig;
  reads?: ReadsConfig;
  faults?: Fault[];
  /** Network partitions over time windows: the links between groups of endpoints are cut (lib/partitions.ts). */
  partitions?: PartitionFault[];
  /** Faults started by protocol events, e.g. right after the leader acknowledges write 300 (lib/triggers.ts). */
  triggers?: Trigger[];
  failover?: FailoverConfig;
  /** Record the history of client operations (default true). Turn off for the fastest sweeps. */
  recordHistory?: boolean;
  /**
   * "auto" (default): runs with only open-loop writes (no reads, faults, failover, fallback or
   * client delays) are computed by a recurrence over the writes, about ten times faster, with
   * results identical to the event loop's (a test holds them equal). "events" always uses the
   * event loop.
   */
  engine?: "auto" | "events";
  /** Budgets for the run; see LimitsConfig. */
  limits?: LimitsConfig;
  /** Steps measured together on real operations, drawn together, a row per write (lib/config/joint.ts). */
  jointSteps?: JointStepsConfig;
}

/** A fully checked configuration with every default filled in. */
export interface Normalized extends NormalizedSteps {
  seed: number;
  names: string[]; // node names; index 0 is the initial leader
  toFollowerMs: Dist[]; // per node index (index 0 unused until it becomes a follower: uses defaults)
  toLeaderMs: Dist[];
  applyMs: Dist[];
  ack: AckPolicy;
  /** The acknowledgement policy compiled for this cluster. */
  ackRule: AckRule;
  leaderCommitMs: Dist;
  clientRequestMs: Dist;
  clientResponseMs: Dist;
  workload: Required<Pick<WorkloadConfig, "writesPerSec" | "arrival" | "clients" | "keys">> & {
    writes: number;
    durationMs?: number;
    bursts: { fromMs: number; toMs: number; writesPerSec: number }[];
    closedLoop?: { clients: number; thinkMs: Dist; writesPerClient: number };
    script: ScriptedOp[];
  };
  reads: { readsPerSec: number; routing: ReadRouting | undefined; ownKeyShare: number };
  faults: { node: number; kind: Fault["kind"]; fromMs: number; toMs: number; factor: number }[];
  partitions: NormalizedPartition[];
  triggers: NormalizedTrigger[];
  failover?: {
    crashAtMs: number; // Infinity if none
    crashAfterAckOf: number; // -1 if none
    returnsAtMs: number; // Infinity if never
    heartbeatMs: number;
    timeoutMs: number;
    detectorDelayMs: Dist;
    election: "most-up-to-date" | "random" | number;
    electionMs: Dist;
    fencing: NormalizedFencing | null;
    coordinator: NormalizedCoordinator;
    stepDownAfterMs: Dist;
    clientRerouteMs: Dist;
    clientTimeoutMs: number;
  };
  /** How long a client waits for a node that does not answer: `failover.clientTimeoutMs`, else the default. */
  clientTimeoutMs: number;
  recordHistory: boolean;
  engine: "auto" | "events";
  limits: Required<LimitsConfig>;
  jointSteps: NormalizedJointSteps | null;
}

/**
 * The configuration of a simulated run, and its validation.
 *
 * Every option is visible here with its default. `normalize` turns what the user wrote into a
 * complete, checked configuration, or throws a ConfigError naming the field.
 */
import { checkDist, constant, type Dist } from "./dist";
import { ConfigError, checkInteger, checkNumber } from "./errors";
import { asyncAck, compileAck, type AckPolicy, type AckRule } from "./policies";
import type { ReadRouting } from "./reads";
import { normalizeSteps, type FollowerStepsConfig, type NormalizedSteps, type StepsConfig } from "./steps";

/** A fault on one node over a time window. */
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
  fromMs: number;
  /** End of the window; omitted means until the end of the run. */
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
  /** Bursts: windows with another write rate. */
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
  /** Failure detection: the leader heartbeats every `heartbeatMs`; silence for `timeoutMs` triggers an election. */
  detector?: { heartbeatMs?: number; timeoutMs?: number; delayMs?: Dist };
  /** Default "most-up-to-date" (highest received log position; ties to the first by name order). */
  election?: "most-up-to-date" | "random" | { fixed: string };
  /** Time from suspicion to the new leader accepting writes. Default 0. */
  electionMs?: Dist;
  /** Storage checks each write's epoch (fencing token) and rejects a deposed leader's writes. Default false. */
  fencing?: boolean;
  /** How long a deposed leader takes to learn of the new epoch once it runs again. Default constant 500 ms. */
  stepDownAfterMs?: Dist;
  /** How long each client takes to learn of a new leader. Default exponential mean 50 ms. */
  clientRerouteMs?: Dist;
  /** A client writing to (or reading from) a node that does not answer gives up after this long. Default 100 ms. */
  clientTimeoutMs?: number;
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
  failover?: {
    crashAtMs: number; // Infinity if none
    crashAfterAckOf: number; // -1 if none
    returnsAtMs: number; // Infinity if never
    heartbeatMs: number;
    timeoutMs: number;
    detectorDelayMs: Dist;
    election: "most-up-to-date" | "random" | number;
    electionMs: Dist;
    fencing: boolean;
    stepDownAfterMs: Dist;
    clientRerouteMs: Dist;
    clientTimeoutMs: number;
  };
  /** How long a client waits for a node that does not answer: `failover.clientTimeoutMs`, else the default. */
  clientTimeoutMs: number;
  recordHistory: boolean;
  engine: "auto" | "events";
}

/** A client gives up on a node that does not answer after this long, unless `failover.clientTimeoutMs` says otherwise. */
export const DEFAULT_CLIENT_TIMEOUT_MS = 100;

const DEFAULT_DELAY = Object.freeze({ kind: "exponential", meanMs: 1 }) as Dist;

/** Default follower names: A, B, …, Z, then F26, F27, … */
export function followerName(i: number): string {
  return i < 26 ? String.fromCharCode(65 + i) : `F${i}`;
}

function plainObject(field: string, v: unknown): void {
  if (v !== undefined && (v === null || typeof v !== "object" || Array.isArray(v))) {
    throw new ConfigError(field, v, "it must be an object of options");
  }
}

/** Checks a configuration and fills in defaults. Throws ConfigError on bad input. */
export function normalize(c: SimConfig): Normalized {
  if (c === null || typeof c !== "object") throw new ConfigError("config", c, "simulate() takes an options object such as { seed: 1 }");
  if (typeof c.seed !== "number" || !Number.isSafeInteger(c.seed)) {
    throw new ConfigError("seed", c.seed, "it must be a whole number, e.g. seed: 7 (the same seed gives the same run)");
  }
  for (const k of ["network", "workload", "reads", "failover"] as const) plainObject(k, c[k]);
  const net = c.network ?? {};
  const oneWay = net.oneWayMs !== undefined ? checkDist(net.oneWayMs, "network.oneWayMs") : undefined;
  const toF = net.toFollowerMs !== undefined ? checkDist(net.toFollowerMs, "network.toFollowerMs") : oneWay ?? DEFAULT_DELAY;
  const toL = net.toLeaderMs !== undefined ? checkDist(net.toLeaderMs, "network.toLeaderMs") : oneWay ?? DEFAULT_DELAY;
  const apply = c.applyMs !== undefined ? checkDist(c.applyMs, "applyMs") : constant(0);

  let fcs: FollowerConfig[];
  if (c.followers === undefined) fcs = [{}, {}];
  else if (typeof c.followers === "number") fcs = Array.from({ length: checkInteger("followers", c.followers, 0, 1000) }, () => ({}));
  else if (Array.isArray(c.followers)) fcs = c.followers;
  else throw new ConfigError("followers", c.followers, "it must be a number of followers or an array of follower options");
  if (fcs.length > 1000) throw new ConfigError("followers", fcs.length, "at most 1000 followers");

  const names = ["L"];
  const toFollowerMs: Dist[] = [toF];
  const toLeaderMs: Dist[] = [toL];
  const applyMs: Dist[] = [apply];
  fcs.forEach((f, i) => {
    plainObject(`followers[${i}]`, f);
    const name = f.name ?? followerName(i);
    if (typeof name !== "string" || name === "") throw new ConfigError(`followers[${i}].name`, name, "it must be a non-empty string");
    if (names.includes(name)) throw new ConfigError(`followers[${i}].name`, name, `names must be unique ("${name}" is taken)`);
    names.push(name);
    toFollowerMs.push(f.toFollowerMs !== undefined ? checkDist(f.toFollowerMs, `followers[${i}].toFollowerMs`) : toF);
    toLeaderMs.push(f.toLeaderMs !== undefined ? checkDist(f.toLeaderMs, `followers[${i}].toLeaderMs`) : toL);
    applyMs.push(f.applyMs !== undefined ? checkDist(f.applyMs, `followers[${i}].applyMs`) : apply);
  });
  const n = fcs.length;
  const nodeIndex = (field: string, name: unknown): number => {
    const i = typeof name === "string" ? names.indexOf(name) : -1;
    if (i < 0) throw new ConfigError(field, name, `it must name a node: ${names.map((x) => JSON.stringify(x)).join(", ")}`);
    return i;
  };

  const ack = c.ack ?? asyncAck();
  const ackRule = compileAck(ack, names);

  const w = c.workload ?? {};
  const writesPerSec = w.writesPerSec === undefined ? 1000 : checkNumber("workload.writesPerSec", w.writesPerSec, Number.MIN_VALUE, 1e9, "it must be a rate > 0 writes per second");
  if (!Number.isFinite(writesPerSec)) throw new ConfigError("workload.writesPerSec", writesPerSec, "it must be finite");
  const durationMs = w.durationMs === undefined ? undefined : checkNumber("workload.durationMs", w.durationMs, 0, 1e12);
  const writes =
    w.writes !== undefined
      ? checkInteger("workload.writes", w.writes, 0, 50_000_000)
      : durationMs !== undefined
        ? Number.MAX_SAFE_INTEGER
        : w.script !== undefined || w.closedLoop !== undefined
          ? 0
          : 10_000;
  const arrival = w.arrival ?? "poisson";
  if (arrival !== "poisson" && arrival !== "fixed") throw new ConfigError("workload.arrival", arrival, 'it must be "poisson" or "fixed"');
  const bursts = (w.bursts ?? []).map((b, i) => {
    checkNumber(`workload.bursts[${i}].fromMs`, b.fromMs, 0);
    checkNumber(`workload.bursts[${i}].toMs`, b.toMs, b.fromMs, Infinity, `it must be >= fromMs (${b.fromMs})`);
    checkNumber(`workload.bursts[${i}].writesPerSec`, b.writesPerSec, Number.MIN_VALUE, 1e9, "it must be a rate > 0");
    return { ...b };
  });
  const clients = w.clients === undefined ? 10 : checkInteger("workload.clients", w.clients, 1, 1_000_000);
  const keys = w.keys === undefined ? 100 : checkInteger("workload.keys", w.keys, 1, 100_000_000);
  let closedLoop: Normalized["workload"]["closedLoop"];
  if (w.closedLoop !== undefined) {
    plainObject("workload.closedLoop", w.closedLoop);
    closedLoop = {
      clients: checkInteger("workload.closedLoop.clients", w.closedLoop.clients, 1, 100_000),
      thinkMs: w.closedLoop.thinkMs !== undefined ? checkDist(w.closedLoop.thinkMs, "workload.closedLoop.thinkMs") : constant(0),
      writesPerClient: checkInteger("workload.closedLoop.writesPerClient", w.closedLoop.writesPerClient, 0, 10_000_000),
    };
  }
  const script = (w.script ?? []).map((op, i) => {
    const f = `workload.script[${i}]`;
    plainObject(f, op);
    if (op.kind !== "write" && op.kind !== "read") throw new ConfigError(`${f}.kind`, (op as { kind: unknown }).kind, 'it must be "write" or "read"');
    checkNumber(`${f}.atMs`, op.atMs, 0);
    if (typeof op.client !== "string" || !op.client) throw new ConfigError(`${f}.client`, op.client, "it must be a client name");
    if (op.kind === "read" && (!Array.isArray(op.keys) || op.keys.length === 0)) throw new ConfigError(`${f}.keys`, op.keys, "a read needs at least one key");
    return op;
  });
  const labels = new Set<string>();
  script.forEach((op, i) => {
    if (op.afterOp !== undefined && !labels.has(op.afterOp)) {
      throw new ConfigError(`workload.script[${i}].afterOp`, op.afterOp, "it must be the label of an earlier scripted op");
    }
    if (op.kind === "write") {
      for (const d of op.dependsOn ?? []) {
        if (!labels.has(d)) throw new ConfigError(`workload.script[${i}].dependsOn`, d, "it must be the label of an earlier scripted write");
      }
    }
    if (op.label !== undefined) {
      if (labels.has(op.label)) throw new ConfigError(`workload.script[${i}].label`, op.label, "labels must be unique");
      labels.add(op.label);
    }
  });

  const r = c.reads ?? {};
  const readsPerSec = r.readsPerSec === undefined ? 0 : checkNumber("reads.readsPerSec", r.readsPerSec, 0, 1e9, "it must be a rate >= 0 reads per second");
  const ownKeyShare = r.ownKeyShare === undefined ? 0.5 : checkNumber("reads.ownKeyShare", r.ownKeyShare, 0, 1);
  if (r.routing !== undefined && typeof r.routing !== "function" && (typeof r.routing !== "object" || r.routing === null)) {
    throw new ConfigError("reads.routing", r.routing, "it must be a routing policy such as anyFollower() or a function");
  }

  const faults = (c.faults ?? []).map((f, i) => {
    const field = `faults[${i}]`;
    plainObject(field, f);
    const node = nodeIndex(`${field}.node`, f.node);
    if (!["slow", "pause", "crash"].includes(f.kind)) throw new ConfigError(`${field}.kind`, f.kind, 'it must be "slow", "pause" or "crash"');
    const fromMs = checkNumber(`${field}.fromMs`, f.fromMs, 0, Infinity, "it must be a time >= 0 ms (the run starts at 0)");
    const toMs = f.toMs === undefined ? Infinity : checkNumber(`${field}.toMs`, f.toMs, fromMs, Infinity, `it must be >= fromMs (${fromMs})`);
    const factor = f.factor === undefined ? 10 : checkNumber(`${field}.factor`, f.factor, 1, 1e6, "it must be a multiplier >= 1");
    return { node, kind: f.kind, fromMs, toMs, factor };
  });

  let failover: Normalized["failover"];
  if (c.failover !== undefined) {
    const f = c.failover;
    let crashAtMs = Infinity;
    let crashAfterAckOf = -1;
    if (f.crashLeader !== undefined) {
      plainObject("failover.crashLeader", f.crashLeader);
      if ("atMs" in f.crashLeader) crashAtMs = checkNumber("failover.crashLeader.atMs", f.crashLeader.atMs, 0, Infinity, "it must be a time >= 0 ms (the run starts at 0)");
      else if ("afterAckOfWrite" in f.crashLeader) crashAfterAckOf = checkInteger("failover.crashLeader.afterAckOfWrite", f.crashLeader.afterAckOfWrite, 0);
      else throw new ConfigError("failover.crashLeader", f.crashLeader, "it must be { atMs } or { afterAckOfWrite }");
    }
    const d = f.detector ?? {};
    const heartbeatMs = d.heartbeatMs === undefined ? 10 : checkNumber("failover.detector.heartbeatMs", d.heartbeatMs, 0.001, 1e9, "it must be an interval > 0 ms");
    const timeoutMs = d.timeoutMs === undefined ? 50 : checkNumber("failover.detector.timeoutMs", d.timeoutMs, 0, 1e9, "it must be a timeout >= 0 ms");
    let election: "most-up-to-date" | "random" | number = "most-up-to-date";
    if (f.election !== undefined) {
      if (f.election === "most-up-to-date" || f.election === "random") election = f.election;
      else if (typeof f.election === "object" && f.election !== null && "fixed" in f.election) {
        election = nodeIndex("failover.election.fixed", f.election.fixed);
        if (election === 0) throw new ConfigError("failover.election.fixed", "L", "it must name a follower");
      } else throw new ConfigError("failover.election", f.election, '"most-up-to-date", "random" or { fixed: "A" }');
    }
    if (n === 0) throw new ConfigError("failover", "0 followers", "failover needs at least 1 follower to promote");
    const returnsAtMs = f.oldLeaderReturnsAtMs === undefined ? Infinity : checkNumber("failover.oldLeaderReturnsAtMs", f.oldLeaderReturnsAtMs, 0);
    if (returnsAtMs < Infinity && crashAtMs < Infinity && returnsAtMs < crashAtMs) {
      throw new ConfigError("failover.oldLeaderReturnsAtMs", returnsAtMs, `it must be after the crash (crashLeader.atMs = ${crashAtMs})`);
    }
    failover = {
      crashAtMs,
      crashAfterAckOf,
      returnsAtMs,
      heartbeatMs,
      timeoutMs,
      detectorDelayMs: d.delayMs !== undefined ? checkDist(d.delayMs, "failover.detector.delayMs") : toF,
      election,
      electionMs: f.electionMs !== undefined ? checkDist(f.electionMs, "failover.electionMs") : constant(0),
      fencing: f.fencing === undefined ? false : Boolean(f.fencing),
      stepDownAfterMs: f.stepDownAfterMs !== undefined ? checkDist(f.stepDownAfterMs, "failover.stepDownAfterMs") : constant(500),
      clientRerouteMs: f.clientRerouteMs !== undefined ? checkDist(f.clientRerouteMs, "failover.clientRerouteMs") : { kind: "exponential", meanMs: 50 },
      clientTimeoutMs: f.clientTimeoutMs === undefined ? DEFAULT_CLIENT_TIMEOUT_MS : checkNumber("failover.clientTimeoutMs", f.clientTimeoutMs, 0, 1e9),
    };
  }
  if (c.recordHistory !== undefined && typeof c.recordHistory !== "boolean") throw new ConfigError("recordHistory", c.recordHistory, "it must be true or false");
  if (c.engine !== undefined && c.engine !== "auto" && c.engine !== "events") throw new ConfigError("engine", c.engine, 'it must be "auto" or "events"');

  return {
    ...normalizeSteps(c, fcs),
    seed: c.seed,
    names,
    toFollowerMs,
    toLeaderMs,
    applyMs,
    ack,
    ackRule,
    leaderCommitMs: c.leaderCommitMs !== undefined ? checkDist(c.leaderCommitMs, "leaderCommitMs") : constant(0),
    clientRequestMs: net.clientRequestMs !== undefined ? checkDist(net.clientRequestMs, "network.clientRequestMs") : constant(0),
    clientResponseMs: net.clientResponseMs !== undefined ? checkDist(net.clientResponseMs, "network.clientResponseMs") : constant(0),
    workload: { writesPerSec, writes, durationMs, arrival, bursts, clients, keys, closedLoop, script },
    reads: { readsPerSec, routing: r.routing, ownKeyShare },
    faults,
    failover,
    clientTimeoutMs: failover?.clientTimeoutMs ?? DEFAULT_CLIENT_TIMEOUT_MS,
    recordHistory: c.recordHistory ?? true,
    engine: c.engine ?? "auto",
  };
}

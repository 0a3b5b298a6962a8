/**
 * Exercise 04's judge: the three services as simulated clusters, and their targets checked on a
 * normal run (commit latency) and on a crash run (acknowledged writes lost on failover).
 *
 * A policy is never compared with "the" answer: it is simulated, and the feedback says which
 * target it missed and by how much. The clusters here are the grader's own copy of what the
 * exercise's documentation describes.
 */
import { constant, exponential, lostWrites, policyName, shifted, simulate } from "../../lib";
import type { AckPolicy, Fault, FollowerConfig, RunResult, SimConfig, Violation as CheckerViolation } from "../../lib";
import { randomInt, stream } from "../../lib/rng";
import type { Recorder, Violation } from "../graded";

export type ServiceName = "ledger" | "metrics" | "accounts";
export const SERVICE_NAMES: ServiceName[] = ["ledger", "metrics", "accounts"];

/** A service: its cluster, its load, its targets, and the failure its loss target is about. */
export interface Service {
  name: ServiceName;
  followers: FollowerConfig[];
  writesPerSec: number;
  /** Target: the 99th percentile of commit latency, over every write of a normal run. */
  commitLatencyMsP99Max: number;
  /** Target: acknowledged writes lost on a failover (0: none may be lost). */
  lostWritesMax: number;
  /** The failure the loss target is about, in words, for feedback. */
  crash: string;
  /** Faults of a normal run (planned maintenance). */
  normalFaults(): Fault[];
  /** Faults besides the leader's crash in a crash run, for a crash at `crashAtMs`. */
  crashFaults(crashAtMs: number): Fault[];
  /** When the leader may crash: whole milliseconds in [fromMs, toMs). */
  crashWindowMs: { fromMs: number; toMs: number };
}

const both = (d: ReturnType<typeof exponential>) => ({ toFollowerMs: d, toLeaderMs: d });

/** Planned maintenance on "accounts": each follower in turn is down for 300 ms. */
const MAINTENANCE: Fault[] = [
  { node: "A", kind: "crash", fromMs: 200, toMs: 500 },
  { node: "B", kind: "crash", fromMs: 700, toMs: 1000 },
];

export const SERVICES: Record<ServiceName, Service> = {
  ledger: {
    name: "ledger",
    followers: [
      { name: "A", ...both(exponential({ meanMs: 0.3 })) },
      { name: "B", ...both(shifted(2, exponential({ meanMs: 1 }))) },
      { name: "C", ...both(shifted(35, exponential({ meanMs: 5 }))) },
    ],
    writesPerSec: 2000,
    commitLatencyMsP99Max: 20,
    lostWritesMax: 0,
    crash: "the leader's zone fails: the leader and follower A crash together",
    normalFaults: () => [],
    crashFaults: (crashAtMs) => [{ node: "A", kind: "crash", fromMs: crashAtMs }],
    crashWindowMs: { fromMs: 300, toMs: 900 },
  },
  metrics: {
    name: "metrics",
    followers: [
      { name: "A", ...both(shifted(1, exponential({ meanMs: 1 }))) },
      { name: "B", ...both(shifted(1, exponential({ meanMs: 1 }))) },
    ],
    writesPerSec: 4000,
    commitLatencyMsP99Max: 1,
    lostWritesMax: 50,
    crash: "the leader crashes",
    normalFaults: () => [],
    crashFaults: () => [],
    crashWindowMs: { fromMs: 300, toMs: 900 },
  },
  accounts: {
    name: "accounts",
    followers: [
      { name: "A", ...both(shifted(0.5, exponential({ meanMs: 0.5 }))) },
      { name: "B", ...both(shifted(0.5, exponential({ meanMs: 0.5 }))) },
    ],
    writesPerSec: 3000,
    commitLatencyMsP99Max: 10,
    lostWritesMax: 0,
    crash: "the leader crashes while a follower is down for maintenance",
    normalFaults: () => MAINTENANCE,
    crashFaults: () => MAINTENANCE,
    // Inside a maintenance window: only one follower is up when the leader dies.
    crashWindowMs: { fromMs: 250, toMs: 450 },
  },
};

const RUN_MS = 1200;
/** A crash run stops generating writes this long after the crash: the failover is over by then. */
const AFTER_CRASH_MS = 200;
const LEADER_COMMIT_MS = constant(0.1);

/** The cluster of `service` with `ack`, for a normal run on `seed`. */
export function normalRun(service: Service, ack: AckPolicy, seed: number): SimConfig {
  return {
    seed,
    followers: service.followers,
    ack,
    leaderCommitMs: LEADER_COMMIT_MS,
    workload: { writesPerSec: service.writesPerSec, durationMs: RUN_MS },
    faults: service.normalFaults(),
    recordHistory: false,
  };
}

/**
 * The same cluster with the leader crashing at a whole millisecond of the service's crash window.
 * The detector's heartbeats travel with a constant delay at whole-millisecond intervals, so that
 * every detector time is exact in floating point and detection never hinges on rounding.
 */
export function crashRun(service: Service, ack: AckPolicy, seed: number): SimConfig {
  const { fromMs, toMs } = service.crashWindowMs;
  const crashAtMs = fromMs + randomInt(stream(seed, "04/crash"), toMs - fromMs);
  return {
    ...normalRun(service, ack, seed),
    workload: { writesPerSec: service.writesPerSec, durationMs: crashAtMs + AFTER_CRASH_MS },
    faults: service.crashFaults(crashAtMs),
    failover: {
      crashLeader: { atMs: crashAtMs },
      detector: { heartbeatMs: 8, timeoutMs: 40, delayMs: constant(0.5) },
      election: "most-up-to-date",
    },
    recordHistory: true,
  };
}

/** The 99th percentile of commit latency over every write; a write never acknowledged counts as infinitely slow. */
export function commitLatencyP99(run: ReturnType<typeof simulate>): number {
  const w = run.writes;
  const latencies = new Float64Array(w.count);
  for (let i = 0; i < w.count; i++) latencies[i] = w.ackMs[i] - w.invokeMs[i];
  latencies.sort();
  return latencies.length === 0 ? 0 : latencies[Math.min(latencies.length - 1, Math.ceil(0.99 * latencies.length) - 1)];
}

export interface ServiceOutcome {
  commitLatencyMsP99: number;
  unacknowledged: number;
  lostWrites: number;
  /** The first few lost writes, as the lost-writes checker explains them. */
  lostExamples: string[];
}

/** Runs `service` with `ack` on `seed`: a normal run and a crash run (handed to `onCrash` with its lost writes). */
export function runService(service: Service, ack: AckPolicy, seed: number, onCrash?: (run: RunResult, lost: CheckerViolation[]) => void): ServiceOutcome {
  const normal = simulate(normalRun(service, ack, seed));
  let unacknowledged = 0;
  for (let i = 0; i < normal.writes.count; i++) if (normal.writes.ackMs[i] === Infinity) unacknowledged++;
  const crash = simulate(crashRun(service, ack, seed));
  const lost = lostWrites(crash.history);
  onCrash?.(crash, lost);
  return {
    commitLatencyMsP99: commitLatencyP99(normal),
    unacknowledged,
    lostWrites: lost.length,
    lostExamples: lost.slice(0, 3).map((v) => v.message),
  };
}

const ms = (x: number) => (x === Infinity ? "never (writes stalled)" : `${Math.round(x * 100) / 100} ms`);

/** The first target `ack` misses for `service` on `seed`, or null when it meets both. */
export function judgeService(service: Service, ack: unknown, seed: number, record: Recorder): Violation | null {
  if (ack === null || typeof ack !== "object" || typeof (ack as { kind?: unknown }).kind !== "string") {
    return { rule: "the answer is an ack policy: asyncAck(), semiSync(), quorum(k) or syncAll()", got: ack };
  }
  const policy = ack as AckPolicy;
  let outcome: ServiceOutcome;
  let firstLost: CheckerViolation | undefined;
  try {
    outcome = runService(service, policy, seed, (run, lost) => {
      record.run?.(run);
      firstLost = lost[0];
    });
  } catch (error) {
    return { rule: `the policy must be valid for ${service.name}'s cluster`, details: (error as Error).message, got: ack };
  }
  record("policy", policyName(policy));
  record("outcome", outcome);
  if (outcome.commitLatencyMsP99 > service.commitLatencyMsP99Max) {
    return {
      rule: `${service.name}: p99 commit latency at most ${service.commitLatencyMsP99Max} ms`,
      details: `${policyName(policy)} gave a p99 of ${ms(outcome.commitLatencyMsP99)}${outcome.unacknowledged > 0 ? `; ${outcome.unacknowledged} writes were never acknowledged` : ""}`,
      got: outcome.commitLatencyMsP99,
      want: `<= ${service.commitLatencyMsP99Max}`,
    };
  }
  if (outcome.lostWrites > service.lostWritesMax) {
    return {
      rule: service.lostWritesMax === 0
        ? `${service.name}: no acknowledged write is lost when ${service.crash}`
        : `${service.name}: at most ${service.lostWritesMax} acknowledged writes lost when ${service.crash}`,
      details: `${policyName(policy)} lost ${outcome.lostWrites} acknowledged write(s)`,
      got: outcome.lostWrites,
      want: `<= ${service.lostWritesMax}`,
      involved: outcome.lostExamples,
      ops: firstLost?.ops,
      name: firstLost?.guarantee,
    };
  }
  return null;
}

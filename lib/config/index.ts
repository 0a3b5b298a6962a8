/**
 * The configuration of a simulated run, and its validation.
 *
 * Every option, with its default, is in types.ts. `normalize` turns what the user wrote into a
 * complete, checked configuration, or throws a ConfigError naming the field: each section of the
 * configuration checks itself in its own file (cluster.ts for the followers and the network,
 * workload.ts, reads.ts, faults.ts, failover.ts, limits.ts, steps.ts; lib/policies for `ack`). Unknown keys
 * are refused at every level, with the closest known key suggested.
 */
import { ConfigError } from "../errors";
import { asyncAck, checkAckPolicy, compileAck } from "../policies";
import { checkBoolean, checkOptions } from "./check";
import { normalizeCluster } from "./cluster";
import { DEFAULT_CLIENT_TIMEOUT_MS, normalizeFailover } from "./failover";
import { normalizePartitions } from "../partitions";
import { normalizeTriggers } from "../triggers";
import { normalizeFaults } from "./faults";
import { checkUpFront, normalizeLimits } from "./limits";
import { normalizeReads } from "./reads";
import { normalizeJointSteps } from "./joint";
import { normalizeSteps, STEPS_KEYS } from "./steps";
import type { Normalized, SimConfig } from "./types";
import { normalizeWorkload } from "./workload";

export type * from "./types";
export { followerName } from "./cluster";
export { DEFAULT_CLIENT_TIMEOUT_MS } from "./failover";
export { DEFAULT_LIMITS } from "./limits";
export { JOINT_FOLLOWER_STEPS, JOINT_LEADER_STEPS, type JointStep, type JointStepsConfig } from "./joint";
export { SHIP_AFTER, type ShipAfter, type StepsConfig, type FollowerStepsConfig } from "./steps";

/** The top-level options of `simulate`. */
export const SIM_KEYS = [
  "seed",
  "followers",
  "ack",
  "network",
  "applyMs",
  "leaderCommitMs",
  "workload",
  "reads",
  "faults",
  "partitions",
  "triggers",
  "failover",
  "recordHistory",
  "engine",
  "limits",
  "jointSteps",
  ...STEPS_KEYS,
] as const satisfies readonly (keyof SimConfig)[];

/** Every client's name, as the run interns them: generated ones, then scripted ones. */
function clientNames(w: Normalized["workload"]): string[] {
  const names = Array.from({ length: Math.max(w.clients, w.closedLoop?.clients ?? 0) }, (_, i) => `c${i}`);
  for (const op of w.script) if (!names.includes(op.client)) names.push(op.client);
  return names;
}

/** Checks a configuration and fills in defaults. Throws ConfigError on bad input. */
export function normalize(c: SimConfig): Normalized {
  checkOptions("", c, SIM_KEYS, "simulate() takes an options object such as { seed: 1 }");
  if (typeof c.seed !== "number" || !Number.isSafeInteger(c.seed)) {
    throw new ConfigError("seed", c.seed, "it must be a whole number, e.g. seed: 7 (the same seed gives the same run)");
  }
  const cluster = normalizeCluster(c);
  const names = cluster.names;
  const ack = c.ack === undefined ? asyncAck() : checkAckPolicy(c.ack, "ack");
  const ackRule = compileAck(ack, names);
  const workload = normalizeWorkload(c);
  const reads = normalizeReads(c);
  const faults = normalizeFaults(c, names);
  const failover = normalizeFailover(c, names, cluster.defaultToFollowerMs);
  // Partitions and triggers name endpoints: nodes, clients, the coordinator's members, the fencing storage.
  const endpoints = { nodes: names, clients: clientNames(workload), coordinator: failover?.coordinator.members ?? [], storage: failover?.fencing?.storage ?? [] };
  const partitions = normalizePartitions(c.partitions, endpoints);
  const triggers = normalizeTriggers(c.triggers, endpoints);
  const recordHistory = c.recordHistory === undefined ? true : checkBoolean("recordHistory", c.recordHistory);
  if (c.engine !== undefined && c.engine !== "auto" && c.engine !== "events") throw new ConfigError("engine", c.engine, 'it must be "auto" or "events"');
  const steps = normalizeSteps(c, c.followers);
  // Field by field rather than by spreading `steps`: an object built from a spread can take a new
  // hidden shape on every call, and then the simulator's optimised code is thrown away at each run.
  const cfg: Normalized = {
    shipAfter: steps.shipAfter,
    leaderFlushMs: steps.leaderFlushMs,
    leaderWakeMs: steps.leaderWakeMs,
    writeMs: steps.writeMs,
    flushMs: steps.flushMs,
    groupFlush: steps.groupFlush,
    seed: c.seed,
    names,
    toFollowerMs: cluster.toFollowerMs,
    toLeaderMs: cluster.toLeaderMs,
    applyMs: cluster.applyMs,
    ack,
    ackRule,
    leaderCommitMs: cluster.leaderCommitMs,
    clientRequestMs: cluster.clientRequestMs,
    clientResponseMs: cluster.clientResponseMs,
    workload,
    reads,
    faults,
    partitions,
    triggers,
    failover,
    clientTimeoutMs: failover?.clientTimeoutMs ?? DEFAULT_CLIENT_TIMEOUT_MS,
    recordHistory,
    engine: c.engine ?? "auto",
    limits: normalizeLimits(c),
    jointSteps: normalizeJointSteps(c.jointSteps, names),
  };
  if (cfg.jointSteps?.columns.some((c) => c.step === "leaderFlushMs") && cfg.shipAfter !== "local-flush") {
    throw new ConfigError("jointSteps.columns", c.jointSteps!.columns, 'a "leaderFlushMs" column is the shipping point of shipAfter: "local-flush" only: add shipAfter: "local-flush" (with leaderFlushMs), or drop the column');
  }
  checkUpFront(cfg);
  return cfg;
}

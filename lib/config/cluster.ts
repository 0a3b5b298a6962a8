/**
 * The cluster's section of the configuration: the followers, the network between them, and the
 * nodes' own timing (apply, local commit). It fixes the node names every other section refers to.
 */
import { checkDist, constant, type Dist } from "../dist";
import { ConfigError, checkInteger } from "../errors";
import { checkArray, checkOptionalOptions, checkOptions } from "./check";
import { FOLLOWER_STEPS_KEYS } from "./steps";
import type { FollowerConfig, SimConfig } from "./types";

const NETWORK_KEYS = ["oneWayMs", "toFollowerMs", "toLeaderMs", "clientRequestMs", "clientResponseMs"] as const;
const FOLLOWER_KEYS = ["name", "toFollowerMs", "toLeaderMs", "applyMs", ...FOLLOWER_STEPS_KEYS] as const;
const MAX_FOLLOWERS = 1000;

const DEFAULT_DELAY = Object.freeze({ kind: "exponential", meanMs: 1 }) as Dist;

/** Default follower names: A, B, …, Z, then F26, F27, … */
export function followerName(i: number): string {
  return i < 26 ? String.fromCharCode(65 + i) : `F${i}`;
}

export interface Cluster {
  /** Node names; index 0 is the initial leader "L". */
  names: string[];
  toFollowerMs: Dist[];
  toLeaderMs: Dist[];
  applyMs: Dist[];
  /** The network's leader-to-follower delay (the failure detector's default). */
  defaultToFollowerMs: Dist;
  leaderCommitMs: Dist;
  clientRequestMs: Dist;
  clientResponseMs: Dist;
}

export function normalizeCluster(c: SimConfig): Cluster {
  checkOptionalOptions("network", c.network, NETWORK_KEYS);
  const net = c.network ?? {};
  const oneWay = net.oneWayMs !== undefined ? checkDist(net.oneWayMs, "network.oneWayMs") : undefined;
  const toF = net.toFollowerMs !== undefined ? checkDist(net.toFollowerMs, "network.toFollowerMs") : (oneWay ?? DEFAULT_DELAY);
  const toL = net.toLeaderMs !== undefined ? checkDist(net.toLeaderMs, "network.toLeaderMs") : (oneWay ?? DEFAULT_DELAY);
  const apply = c.applyMs !== undefined ? checkDist(c.applyMs, "applyMs") : constant(0);

  let fcs: FollowerConfig[];
  if (c.followers === undefined) fcs = [{}, {}];
  else if (typeof c.followers === "number") fcs = Array.from({ length: checkInteger("followers", c.followers, 0, MAX_FOLLOWERS) }, () => ({}));
  else if (Array.isArray(c.followers)) fcs = c.followers;
  else throw new ConfigError("followers", c.followers, "it must be a number of followers or an array of follower options");
  checkArray("followers", fcs, "follower options");
  if (fcs.length > MAX_FOLLOWERS) throw new ConfigError("followers", fcs.length, `at most ${MAX_FOLLOWERS} followers`);

  const names = ["L"];
  const toFollowerMs: Dist[] = [toF];
  const toLeaderMs: Dist[] = [toL];
  const applyMs: Dist[] = [apply];
  fcs.forEach((f, i) => {
    checkOptions(`followers[${i}]`, f, FOLLOWER_KEYS);
    const name = f.name ?? followerName(i);
    if (typeof name !== "string" || name === "") throw new ConfigError(`followers[${i}].name`, name, "it must be a non-empty string");
    if (name === names[0]) throw new ConfigError(`followers[${i}].name`, name, `"${name}" is the initial leader's name; give the follower another`);
    if (names.includes(name)) throw new ConfigError(`followers[${i}].name`, name, `names must be unique ("${name}" is taken)`);
    names.push(name);
    toFollowerMs.push(f.toFollowerMs !== undefined ? checkDist(f.toFollowerMs, `followers[${i}].toFollowerMs`) : toF);
    toLeaderMs.push(f.toLeaderMs !== undefined ? checkDist(f.toLeaderMs, `followers[${i}].toLeaderMs`) : toL);
    applyMs.push(f.applyMs !== undefined ? checkDist(f.applyMs, `followers[${i}].applyMs`) : apply);
  });
  return {
    names,
    toFollowerMs,
    toLeaderMs,
    applyMs,
    defaultToFollowerMs: toF,
    leaderCommitMs: c.leaderCommitMs !== undefined ? checkDist(c.leaderCommitMs, "leaderCommitMs") : constant(0),
    clientRequestMs: net.clientRequestMs !== undefined ? checkDist(net.clientRequestMs, "network.clientRequestMs") : constant(0),
    clientResponseMs: net.clientResponseMs !== undefined ? checkDist(net.clientResponseMs, "network.clientResponseMs") : constant(0),
  };
}

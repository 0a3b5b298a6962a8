/** The failover's section of the configuration: the leader's crash, failure detection, election, fencing. */
import { normalizeCoordinator, normalizeFencing } from "../coordination";
import { checkDist, constant, type Dist } from "../dist";
import { ConfigError, checkInteger, checkNodeName, checkNumber } from "../errors";
import { checkOptionalOptions, checkOptions, checkTime } from "./check";
import type { Normalized, SimConfig } from "./types";

const FAILOVER_KEYS = ["crashLeader", "oldLeaderReturnsAtMs", "detector", "election", "electionMs", "fencing", "coordinator", "stepDownAfterMs", "clientRerouteMs", "clientTimeoutMs"] as const;
const DETECTOR_KEYS = ["heartbeatMs", "timeoutMs", "delayMs"] as const;

/** A client gives up on a node that does not answer after this long, unless `failover.clientTimeoutMs` says otherwise. */
export const DEFAULT_CLIENT_TIMEOUT_MS = 100;

/** `detectorDelayMs` defaults to the network's leader-to-follower delay. */
export function normalizeFailover(c: SimConfig, names: readonly string[], networkDelay: Dist): Normalized["failover"] {
  if (c.failover === undefined) return undefined;
  checkOptions("failover", c.failover, FAILOVER_KEYS);
  const f = c.failover;
  let crashAtMs = Infinity;
  let crashAfterAckOf = -1;
  if (f.crashLeader !== undefined) {
    checkOptions("failover.crashLeader", f.crashLeader, ["atMs", "afterAckOfWrite"], "it must be { atMs } or { afterAckOfWrite }");
    if ("atMs" in f.crashLeader && "afterAckOfWrite" in f.crashLeader) {
      throw new ConfigError("failover.crashLeader", f.crashLeader, "it must be { atMs } or { afterAckOfWrite }, not both");
    }
    if ("atMs" in f.crashLeader) crashAtMs = checkTime("failover.crashLeader.atMs", f.crashLeader.atMs, 0, "it must be a time >= 0 ms (the run starts at 0)");
    else if ("afterAckOfWrite" in f.crashLeader) crashAfterAckOf = checkInteger("failover.crashLeader.afterAckOfWrite", f.crashLeader.afterAckOfWrite, 0);
    else throw new ConfigError("failover.crashLeader", f.crashLeader, "it must be { atMs } or { afterAckOfWrite }");
  }
  checkOptionalOptions("failover.detector", f.detector, DETECTOR_KEYS);
  const d: NonNullable<typeof f.detector> = f.detector ?? {};
  const heartbeatMs = d.heartbeatMs === undefined ? 10 : checkNumber("failover.detector.heartbeatMs", d.heartbeatMs, 0.001, 1e9, "it must be an interval from 0.001 to 1e9 ms");
  // A timeout of 0 suspects the leader at every heartbeat: a failover storm, never a setting.
  const timeoutMs = d.timeoutMs === undefined ? 50 : checkNumber("failover.detector.timeoutMs", d.timeoutMs, 0.001, 1e9, "it must be a timeout from 0.001 to 1e9 ms (0 would suspect the leader at every heartbeat)");
  let election: "most-up-to-date" | "random" | number = "most-up-to-date";
  if (f.election !== undefined) {
    if (f.election === "most-up-to-date" || f.election === "random") election = f.election;
    else if (typeof f.election === "object" && f.election !== null && !Array.isArray(f.election) && "fixed" in f.election) {
      checkOptions("failover.election", f.election, ["fixed"]);
      election = checkNodeName("failover.election.fixed", f.election.fixed, names);
      if (election === 0) throw new ConfigError("failover.election.fixed", "L", "it must name a follower");
    } else throw new ConfigError("failover.election", f.election, '"most-up-to-date", "random" or { fixed: "A" }');
  }
  if (names.length === 1) throw new ConfigError("failover", "0 followers", "failover needs at least 1 follower to promote");
  const returnsAtMs = f.oldLeaderReturnsAtMs === undefined ? Infinity : checkNumber("failover.oldLeaderReturnsAtMs", f.oldLeaderReturnsAtMs, 0);
  if (returnsAtMs < Infinity && crashAtMs < Infinity && returnsAtMs < crashAtMs) {
    throw new ConfigError("failover.oldLeaderReturnsAtMs", returnsAtMs, `it must be after the crash (crashLeader.atMs = ${crashAtMs})`);
  }
  const dist = (key: "electionMs" | "stepDownAfterMs" | "clientRerouteMs", fallback: Dist) => {
    const given = f[key];
    return given !== undefined ? checkDist(given, `failover.${key}`) : fallback;
  };
  return {
    crashAtMs,
    crashAfterAckOf,
    returnsAtMs,
    heartbeatMs,
    timeoutMs,
    detectorDelayMs: d.delayMs !== undefined ? checkDist(d.delayMs, "failover.detector.delayMs") : networkDelay,
    election,
    electionMs: dist("electionMs", constant(0)),
    fencing: normalizeFencing(f.fencing),
    coordinator: normalizeCoordinator(f.coordinator, timeoutMs),
    stepDownAfterMs: dist("stepDownAfterMs", constant(500)),
    clientRerouteMs: dist("clientRerouteMs", { kind: "exponential", meanMs: 50 }),
    clientTimeoutMs:
      f.clientTimeoutMs === undefined
        ? DEFAULT_CLIENT_TIMEOUT_MS
        : checkNumber("failover.clientTimeoutMs", f.clientTimeoutMs, 0.001, 1e9, "it must be a timeout from 0.001 to 1e9 ms"),
  };
}

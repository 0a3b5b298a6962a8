/**
 * The lab's settings as simulator configurations, fed only with what the lab measured: the round
 * trips, the primary's commit time, the delays the proxy really added, and each standby's write,
 * flush and replay steps. Nothing is tuned: where the simulator and PostgreSQL differ, the
 * difference is what the model leaves out.
 *
 * The model is PostgreSQL's own: the primary sends WAL only once it has flushed it
 * (`shipAfter: "local-commit"`), and a standby writes, flushes and replays it in turn, answering
 * `remote_write`, `on` and `remote_apply` after each step (`ack: … { on: "write" | "flush" | "apply" }`).
 */
import type { FollowerConfig, SimConfig } from "../config";
import { constant, empirical, shifted, type Dist } from "../dist";
import { ConfigError } from "../errors";
import { asyncAck, firstOf, quorum, type AckPolicy, type ConfirmStep } from "../policies";
import { stepTimings, type LatencySummary, type PgLabResults, type StepTimings, type SyncCommitLevel } from "./format";

/** What the simulator is told about one standby: its link and its own steps, as percentiles. */
export interface StandbyModel {
  /** One way between the primary and this standby with no delay added: half the round trip of its path. */
  linkMs: number;
  /** Writing the WAL to its operating system: write_lag less the round trip. */
  writeMs: number[];
  /** Flushing it to disk: flush_lag less write_lag. */
  flushMs: number[];
  /** Replaying it: replay_lag less flush_lag. */
  replayMs: number[];
}

export interface ModelInputs {
  /** One way between processes on 127.0.0.1: half the SELECT 1 round trip. */
  loopbackMs: number;
  /** The leader's work before replying with synchronous_commit=off: running the INSERT. */
  executeMs: number[];
  /**
   * The same with a local WAL flush (synchronous_commit=local): running the INSERT and fsync, from
   * the undelayed `local` case. A setting measured with local commits in its turns uses those.
   */
  commitMs: number[];
  /** The SELECT 1 round trip the commit times are taken net of. */
  roundTripMs: number;
  /** Delays the proxy really added on s1's link, primary to standby and back. */
  proxyToStandbyMs: number[];
  proxyToPrimaryMs: number[];
  standbys: Record<"s1" | "s2", StandbyModel>;
  /**
   * From the primary finishing a commit to a read starting on s1 (the reply, the client's next
   * query, s1 taking it up). Results without it: two loopback hops.
   */
  readPathMs: number[];
  /** The results timed the standbys' steps; without them the steps take no time and s1's link is loopback. */
  timedSteps: boolean;
}

const minus = (values: number[], offsetMs: number) => values.map((v) => Math.max(0, v - offsetMs));
/** Percentiles of a summary, or a single zero when it has no samples. */
const orZero = (percentilesMs: number[]) => (percentilesMs.length > 0 ? percentilesMs : [0]);

function standbyModel(results: PgLabResults, standby: "s1" | "s2", linkMs: number): StandbyModel {
  const at = (level: StepTimings["level"]) => stepTimings(results, standby, level);
  // write_lag is read where a commit waits for it (remote_write), or from `on` if none was left.
  const written = at("remote_write").writeLagMs.count > 0 ? at("remote_write") : at("on");
  return {
    linkMs,
    writeMs: minus(orZero(written.writeLagMs.percentilesMs), 2 * linkMs),
    flushMs: orZero(at("on").flushStepMs.percentilesMs),
    replayMs: orZero(at("remote_apply").replayStepMs.percentilesMs),
  };
}

export function modelInputs(results: PgLabResults): ModelInputs {
  const roundTripMs = results.roundTrip.p50Ms;
  const loopbackMs = roundTripMs / 2;
  const undelayed = (level: SyncCommitLevel) => {
    const found = results.latency.find((c) => c.level === level && c.proxyDelayMs === 0 && c.applyDelayMs === 0);
    if (!found) throw new Error(`the results have no undelayed "${level}" case to take the leader's commit time from`);
    return found.latency.percentilesMs;
  };
  const timedSteps = ["s1", "s2"].every((s) => results.standbySteps?.some((c) => c.standby === s));
  const untimed = (linkMs: number): StandbyModel => ({ linkMs, writeMs: [0], flushMs: [0], replayMs: [0] });
  const s1LinkMs = results.roundTripViaProxy ? results.roundTripViaProxy.p50Ms / 2 : loopbackMs;
  return {
    loopbackMs,
    roundTripMs,
    executeMs: minus(undelayed("off"), roundTripMs),
    commitMs: minus(undelayed("local"), roundTripMs),
    proxyToStandbyMs: results.proxy.toStandby.percentilesMs,
    proxyToPrimaryMs: results.proxy.toPrimary.percentilesMs,
    standbys: timedSteps
      ? { s1: standbyModel(results, "s1", s1LinkMs), s2: standbyModel(results, "s2", loopbackMs) }
      : { s1: untimed(s1LinkMs), s2: untimed(loopbackMs) },
    readPathMs: results.readPath && results.readPath.count > 0 ? results.readPath.percentilesMs : [2 * loopbackMs],
    timedSteps,
  };
}

/** The step of a standby each synchronous_commit level waits for. */
export const CONFIRM_STEP_OF: Readonly<Record<"remote_write" | "on" | "remote_apply", ConfirmStep>> = {
  remote_write: "write",
  on: "flush",
  remote_apply: "apply",
};

/** The simulator's acknowledgement policy for a synchronous_standby_names and synchronous_commit pair. */
export function ackPolicyFor(standbyNames: string, level: SyncCommitLevel): AckPolicy {
  if (level === "off" || level === "local" || standbyNames.trim() === "") return asyncAck();
  const on = CONFIRM_STEP_OF[level];
  const match = /^\s*(?:(FIRST|ANY)\s+(\d+)\s*)?\(?\s*([^()]*?)\s*\)?\s*$/i.exec(standbyNames);
  const names = match ? match[3].split(",").map((n) => n.trim()).filter((n) => n !== "") : [];
  if (!match || names.length === 0) {
    throw new ConfigError("standbyNames", standbyNames, "it must be like 'FIRST 1 (s1, s2)', 'ANY 1 (s1, s2)' or 's1, s2'");
  }
  const method = (match[1] ?? "FIRST").toUpperCase();
  const k = Number(match[2] ?? 1);
  if (k < 1 || k > names.length) throw new ConfigError("standbyNames", standbyNames, `${method} ${k} needs between 1 and ${names.length} standbys listed`);
  if (method === "ANY") return quorum(k, { on });
  // FIRST k: the first k connected standbys in the list; here every standby is connected.
  return firstOf(k, names, { on });
}

export interface SimulatedSetting {
  standbyNames: string;
  level: SyncCommitLevel;
  proxyDelayMs: number;
  applyDelayMs: number;
  /** Local commits measured in turns with this setting; absent: the undelayed `local` case's. */
  local?: LatencySummary | null;
}

/**
 * Followers s1 (through the proxy) and s2 (direct), as the lab's cluster has them.
 *
 * A standby's write and flush are taken at their median. Their slow moments are the machine's
 * busy moments, which slow the primary's own commit, its walsender and the standby's walreceiver
 * at once; the primary's commit time, drawn from its measured distribution, already carries them,
 * and the simulator, which draws every step on its own, would otherwise count one busy moment two
 * or three times in a commit. The replay keeps its distribution: it runs after the commit's
 * confirmation, racing the client's next read. With `typical`, everything is taken at its median:
 * for a busy stream of many writers, where the recorded delays already include waiting behind
 * earlier bytes and commits, and the simulator's in-order steps would count that wait again.
 */
export function followersFor(setting: SimulatedSetting, inputs: ModelInputs, typical = false): FollowerConfig[] {
  const median = (percentilesMs: number[]) => constant(percentilesMs[Math.floor(percentilesMs.length / 2)]);
  const dist = (percentilesMs: number[]): Dist => (typical ? median(percentilesMs) : empirical(percentilesMs));
  const { s1, s2 } = inputs.standbys;
  const s1Link = (samplesMs: number[]) =>
    setting.proxyDelayMs === 0 ? constant(s1.linkMs) : shifted(s1.linkMs, samplesMs.length > 0 ? dist(samplesMs) : constant(setting.proxyDelayMs));
  const steps = (m: StandbyModel, applyDelayMs: number) => ({
    writeMs: median(m.writeMs),
    flushMs: median(m.flushMs),
    // recovery_min_apply_delay holds the replay back; the simulator counts it from the flush.
    applyMs: applyDelayMs > 0 ? shifted(applyDelayMs, dist(m.replayMs)) : dist(m.replayMs),
  });
  return [
    { name: "s1", toFollowerMs: s1Link(inputs.proxyToStandbyMs), toLeaderMs: s1Link(inputs.proxyToPrimaryMs), ...steps(s1, setting.applyDelayMs) },
    { name: "s2", toFollowerMs: constant(s2.linkMs), toLeaderMs: constant(s2.linkMs), ...steps(s2, 0) },
  ];
}

/**
 * The leader's commit time for a setting, net of the client's round trip: the INSERT alone for
 * `off`; else the local commits measured in turns with the setting, under the same load.
 */
export function leaderCommitFor(setting: SimulatedSetting, inputs: ModelInputs): number[] {
  if (setting.level === "off") return inputs.executeMs;
  return setting.local && setting.local.count > 0 ? minus(setting.local.percentilesMs, inputs.roundTripMs) : inputs.commitMs;
}

/** A simulated run of one client committing `writes` times in a row, as the lab's writer does. */
export function simConfigFor(setting: SimulatedSetting, inputs: ModelInputs, options: { seed?: number; writes?: number } = {}): SimConfig {
  const hop = constant(inputs.loopbackMs);
  return {
    seed: options.seed ?? 1,
    followers: followersFor(setting, inputs),
    ack: ackPolicyFor(setting.standbyNames, setting.level),
    // PostgreSQL's walsender sends only WAL the primary has flushed.
    shipAfter: "local-commit",
    leaderCommitMs: empirical(leaderCommitFor(setting, inputs)),
    network: { clientRequestMs: hop, clientResponseMs: hop },
    workload: { closedLoop: { clients: 1, writesPerClient: options.writes ?? 2000 } },
  };
}

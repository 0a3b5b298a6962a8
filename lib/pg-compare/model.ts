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
  /**
   * One way between the primary and this standby with no delay added: the WAL's measured transit
   * (walsender to walreceiver), or in results without it half the round trip of its path.
   */
  linkMs: number;
  /**
   * From the primary starting the COMMIT to this standby's walsender sending the WAL (the commit's
   * flush, the walsender waking up); null in results without the commits' clocks.
   */
  shipMs: number[] | null;
  /** Writing the WAL to its operating system: from its arrival to the write's reply (or write_lag less the round trip). */
  writeMs: number[];
  /** Flushing it to disk: the flush reply less the write's (or flush_lag less write_lag). */
  flushMs: number[];
  /** Replaying it: the apply reply less the flush's (or replay_lag less flush_lag). */
  replayMs: number[];
  /**
   * From this standby's reply reaching the primary to the committing backend running again: the
   * walsender reading the reply and waking the backend, the backend waking up and finishing its
   * commit. null in results without the commits' clocks.
   */
  wakeMs: number[] | null;
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
  /** Each standby timed as the only synchronous one. */
  standbys: Record<"s1" | "s2", StandbyModel>;
  /** Each standby timed while both are synchronous (FIRST 2); null in results without them. */
  bothSync: Record<"s1" | "s2", StandbyModel> | null;
  /**
   * From the primary finishing a commit to a read starting on s1 (the reply, the client's next
   * query, s1 taking it up). Results without it: two loopback hops.
   */
  readPathMs: number[];
  /** The results timed the standbys' steps; without them the steps take no time and s1's link is loopback. */
  timedSteps: boolean;
  /**
   * The results have the commits' clocks (when the WAL left, arrived, was confirmed, and the
   * backend ran again): the primary then ships once its WAL is flushed, while its commit goes on,
   * and wakes up after the confirmation. Without them, it ships once its local commit is done.
   */
  clocked: boolean;
}

const minus = (values: number[], offsetMs: number) => values.map((v) => Math.max(0, v - offsetMs));
/** Percentiles of a summary, or a single zero when it has no samples. */
const orZero = (percentilesMs: number[]) => (percentilesMs.length > 0 ? percentilesMs : [0]);
const median = (percentilesMs: number[]) => percentilesMs[Math.floor(percentilesMs.length / 2)];
const has = (s: LatencySummary | null | undefined): s is LatencySummary => s != null && s.count > 0;

/** A standby's model from pg_stat_replication's lags alone (results without the commits' clocks). */
function lagModel(results: PgLabResults, standby: "s1" | "s2", linkMs: number): StandbyModel {
  const at = (level: StepTimings["level"]) => stepTimings(results, standby, level);
  // write_lag is read where a commit waits for it (remote_write), or from `on` if none was left.
  const written = at("remote_write").writeLagMs.count > 0 ? at("remote_write") : at("on");
  return {
    linkMs,
    shipMs: null,
    writeMs: minus(orZero(written.writeLagMs.percentilesMs), 2 * linkMs),
    flushMs: orZero(at("on").flushStepMs.percentilesMs),
    replayMs: orZero(at("remote_apply").replayStepMs.percentilesMs),
    wakeMs: null,
  };
}

/**
 * A standby's model from the commits' clocks: the primary's flush and the WAL's trip, the
 * standby's write and flush (from the WAL arriving to each answer leaving the standby, by its
 * reply_time) and the backend's wake-up are moments on the one clock, so each process's wake-up
 * falls where it happens. They are read from `on` commits, which wait for the WAL to arrive: after
 * a `local` commit the standby is asked before the WAL got there as often as the machine is busy,
 * and only the quick ones would count. `flush_lag − write_lag` would understate the flush on a busy
 * machine: a walsender that wakes late reads both answers at once. The replay is `replay_lag −
 * flush_lag`, commit by commit (the replies of one commit are not paired across levels, and
 * subtracting one level's median from another's spread would give the replay the flush's spread).
 * `levels` are the step timings of one standby in one block; with both standbys synchronous only
 * `local` and `on` are timed: the write and flush are then one step, and nothing replays before
 * the commit returns.
 */
function clockModel(levels: StepTimings[]): StandbyModel {
  const at = (level: StepTimings["level"]) => levels.find((l) => l.level === level);
  const on = at("on")!;
  const written = at("remote_write")?.standbyReplyMs;
  const writeMs = has(written) ? written.percentilesMs : [0];
  const applied = at("remote_apply")?.replayStepMs;
  const linkMs = on.transitMs!.p50Ms;
  return {
    linkMs,
    shipMs: on.shipMs!.percentilesMs,
    writeMs,
    flushMs: minus(on.standbyReplyMs!.percentilesMs, median(writeMs)),
    replayMs: has(applied) ? applied.percentilesMs : [0],
    // The reply's trip back is the WAL's trip out, taken as symmetric.
    wakeMs: minus(orZero(on.releaseMs!.percentilesMs), linkMs),
  };
}

const clocked = (levels: StepTimings[] | undefined): levels is StepTimings[] =>
  levels !== undefined && levels.some((t) => t.level === "on" && has(t.shipMs) && has(t.transitMs) && has(t.standbyReplyMs) && has(t.releaseMs));

export function modelInputs(results: PgLabResults): ModelInputs {
  const roundTripMs = results.roundTrip.p50Ms;
  const loopbackMs = roundTripMs / 2;
  const undelayed = (level: SyncCommitLevel) => {
    const found = results.latency.find((c) => c.level === level && c.proxyDelayMs === 0 && c.applyDelayMs === 0);
    if (!found) throw new Error(`the results have no undelayed "${level}" case to take the leader's commit time from`);
    return found.latency.percentilesMs;
  };
  const solo = (s: "s1" | "s2") => results.standbySteps?.find((c) => c.standby === s)?.levels;
  const both = (s: "s1" | "s2") => results.bothSyncSteps?.find((c) => c.standby === s)?.levels;
  const timedSteps = ["s1", "s2"].every((s) => results.standbySteps?.some((c) => c.standby === s));
  const isClocked = timedSteps && clocked(solo("s1")) && clocked(solo("s2"));
  const untimed = (linkMs: number): StandbyModel => ({ linkMs, shipMs: null, writeMs: [0], flushMs: [0], replayMs: [0], wakeMs: null });
  const s1LinkMs = results.roundTripViaProxy ? results.roundTripViaProxy.p50Ms / 2 : loopbackMs;
  const standbys = isClocked
    ? { s1: clockModel(solo("s1")!), s2: clockModel(solo("s2")!) }
    : timedSteps
      ? { s1: lagModel(results, "s1", s1LinkMs), s2: lagModel(results, "s2", loopbackMs) }
      : { s1: untimed(s1LinkMs), s2: untimed(loopbackMs) };
  return {
    loopbackMs,
    roundTripMs,
    executeMs: minus(undelayed("off"), roundTripMs),
    commitMs: minus(undelayed("local"), roundTripMs),
    proxyToStandbyMs: results.proxy.toStandby.percentilesMs,
    proxyToPrimaryMs: results.proxy.toPrimary.percentilesMs,
    standbys,
    bothSync: isClocked && clocked(both("s1")) && clocked(both("s2")) ? { s1: clockModel(both("s1")!), s2: clockModel(both("s2")!) } : null,
    readPathMs: results.readPath && results.readPath.count > 0 ? results.readPath.percentilesMs : [2 * loopbackMs],
    timedSteps,
    clocked: isClocked,
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

/** The standbys as timed for a setting: both synchronous (FIRST 2) when the results timed that, else each alone. */
function standbysFor(setting: SimulatedSetting, inputs: ModelInputs): Record<"s1" | "s2", StandbyModel> {
  return inputs.bothSync !== null && /^\s*FIRST\s+2\b/i.test(setting.standbyNames) ? inputs.bothSync : inputs.standbys;
}

/**
 * The primary's flush for a setting, as percentiles: from accepting the write (running the INSERT,
 * as with synchronous_commit = off) until the first walsender sends the WAL.
 * Null for results without the commits' clocks.
 */
export function leaderFlushFor(setting: SimulatedSetting, inputs: ModelInputs): number[] | null {
  if (!inputs.clocked) return null;
  const { s1, s2 } = standbysFor(setting, inputs);
  const first = median(s1.shipMs!) <= median(s2.shipMs!) ? s1.shipMs! : s2.shipMs!;
  // The INSERT runs before the COMMIT starts.
  const executeMs = median(inputs.executeMs);
  return first.map((v) => v + executeMs);
}

/** The committing backend's wake-up for a setting, as percentiles (s1's; with both synchronous, after the later reply). */
export function leaderWakeFor(setting: SimulatedSetting, inputs: ModelInputs): number[] | null {
  return inputs.clocked ? standbysFor(setting, inputs).s1.wakeMs : null;
}

/**
 * How the simulator draws a commit's steps:
 * - "medians" (for commit latency): the standby's write and flush, the primary's flush and the
 *   backend's wake-up at their medians; the primary's commit time and the replay drawn from their
 *   distributions. The steps' slow moments are the machine's busy moments, which slow the primary's
 *   commit, its walsender and the standby's walreceiver at once: drawn each on its own, one busy
 *   moment would count two or three times in a commit, and the median of the sum would be one no
 *   commit had (with every step drawn, commit p50s came out 1.4 to 2.2 times PostgreSQL's). Steps all
 *   slow at once add up to the sum of their medians at the median.
 * - "drawn" (for the race between a standby and a read right after the commit): every step drawn
 *   from its distribution. The race turns on the slow moments themselves: the lab finds nearly
 *   every stale read after a remote_write commit reading before s1 had flushed, and s1's flush takes
 *   several times its median one time in five on a busy machine; at its median it would almost
 *   never lose the race.
 * - "typical" (a busy stream of many writers, for lost writes): everything at its median, as the
 *   recorded delays already include waiting behind earlier bytes and commits, and the simulator's
 *   in-order steps would count that wait again.
 */
export type StepDraws = "medians" | "drawn" | "typical";

/**
 * Followers s1 (through the proxy) and s2 (direct), as the lab's cluster has them, their steps
 * drawn as `draws` says. A walsender that sends later than the first (it waits for a core) has that
 * much more on its link.
 */
export function followersFor(setting: SimulatedSetting, inputs: ModelInputs, draws: StepDraws = "medians"): FollowerConfig[] {
  const atMedian = (percentilesMs: number[]) => constant(median(percentilesMs));
  const dist = (percentilesMs: number[]): Dist => (draws === "typical" ? atMedian(percentilesMs) : empirical(percentilesMs));
  const step = (percentilesMs: number[]): Dist => (draws === "drawn" ? empirical(percentilesMs) : atMedian(percentilesMs));
  const standbys = standbysFor(setting, inputs);
  const flush = leaderFlushFor(setting, inputs);
  const { s1, s2 } = standbys;
  const firstSend = flush !== null ? Math.min(median(s1.shipMs!), median(s2.shipMs!)) : 0;
  const lateSend = (m: StandbyModel) => (flush !== null ? median(m.shipMs!) - firstSend : 0);
  const s1Link = (extraMs: number, samplesMs: number[]) =>
    setting.proxyDelayMs === 0
      ? constant(s1.linkMs + extraMs)
      : shifted(s1.linkMs + extraMs, samplesMs.length > 0 ? dist(samplesMs) : constant(setting.proxyDelayMs));
  const steps = (m: StandbyModel, applyDelayMs: number) => ({
    writeMs: step(m.writeMs),
    flushMs: step(m.flushMs),
    // recovery_min_apply_delay holds the replay back; the simulator counts it from the flush.
    applyMs: applyDelayMs > 0 ? shifted(applyDelayMs, dist(m.replayMs)) : dist(m.replayMs),
  });
  return [
    { name: "s1", toFollowerMs: s1Link(lateSend(s1), inputs.proxyToStandbyMs), toLeaderMs: s1Link(0, inputs.proxyToPrimaryMs), ...steps(s1, setting.applyDelayMs) },
    { name: "s2", toFollowerMs: constant(s2.linkMs + lateSend(s2)), toLeaderMs: constant(s2.linkMs), ...steps(s2, 0) },
  ];
}

/**
 * PostgreSQL's primary: it ships WAL once flushed, while the backend finishes its commit, and a
 * commit that waited for standbys replies once the backend woke up; both drawn as `draws` says
 * (see StepDraws). From results without the commits' clocks: it ships once its local commit is done.
 */
export function primaryStepsFor(setting: SimulatedSetting, inputs: ModelInputs, draws: StepDraws = "medians"): Pick<SimConfig, "shipAfter" | "leaderFlushMs" | "leaderWakeMs"> {
  const timed = leaderFlushFor(setting, inputs);
  const wake = leaderWakeFor(setting, inputs);
  // With synchronous_commit = off the backend replies before any flush: the WAL writer flushes it later.
  if (timed === null || wake === null || setting.level === "off") return { shipAfter: "local-commit" };
  // The flush is part of the local commit, so no longer than it, percentile by percentile: on a
  // busy machine the timed commits, which also read the clock and the statistics views, flush more
  // slowly than the plain commits of the same turns (a 2.2 ms median fsync against 1.3 ms for a
  // whole plain `local` commit, at a load average of 14).
  const commit = leaderCommitFor({ ...setting, level: "local" }, inputs);
  const at = (p: number, percentilesMs: number[]) => percentilesMs[Math.round((p / 100) * (percentilesMs.length - 1))];
  const flush = timed.map((v, p) => Math.min(v, at(p, commit)));
  const step = (percentilesMs: number[]): Dist => (draws === "drawn" ? empirical(percentilesMs) : constant(median(percentilesMs)));
  return { shipAfter: "local-flush", leaderFlushMs: step(flush), leaderWakeMs: step(wake) };
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
export function simConfigFor(setting: SimulatedSetting, inputs: ModelInputs, options: { seed?: number; writes?: number; draws?: StepDraws } = {}): SimConfig {
  const hop = constant(inputs.loopbackMs);
  return {
    seed: options.seed ?? 1,
    followers: followersFor(setting, inputs, options.draws),
    ack: ackPolicyFor(setting.standbyNames, setting.level),
    // PostgreSQL's walsender sends only WAL the primary has flushed.
    ...primaryStepsFor(setting, inputs, options.draws),
    leaderCommitMs: empirical(leaderCommitFor(setting, inputs)),
    network: { clientRequestMs: hop, clientResponseMs: hop },
    workload: { closedLoop: { clients: 1, writesPerClient: options.writes ?? 2000 } },
  };
}

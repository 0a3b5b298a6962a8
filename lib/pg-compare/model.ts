/**
 * The lab's settings as simulator configurations, fed only with what the lab measured: the round
 * trips, the primary's commit time, the delays the proxy really added, and each standby's write,
 * flush and replay steps. Nothing is tuned: where the simulator and PostgreSQL differ, the
 * difference is what the model leaves out.
 *
 * The model is PostgreSQL's own: the primary sends WAL once it has flushed it (`shipAfter:
 * "local-flush"`), and a standby writes, flushes (all it has written at once: `groupFlush`) and
 * replays it in turn, answering `remote_write`, `on` and `remote_apply` after each step (`ack: …
 * { on: "write" | "flush" | "apply" }`); a commit's steps are drawn together, as one timed commit
 * (`jointSteps`), when the results have the rows.
 */
import type { FollowerConfig, JointStep, JointStepsConfig, SimConfig } from "../config";
import { constant, empirical, shifted, type Dist } from "../dist";
import { ConfigError } from "../errors";
import { asyncAck, firstOf, quorum, type AckPolicy, type ConfirmStep } from "../policies";
import { stepTimings, type CommitSteps, type LatencySummary, type PgLabResults, type StepTimings, type SyncCommitLevel } from "./format";

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
  /**
   * Each timed commit's moments kept together, per level: s1 and s2 each the synchronous one, and
   * both synchronous (their rows in step, commit by commit). null in results without them (before
   * version 3): the steps are then taken each on its own.
   */
  rows: { s1: LevelRows; s2: LevelRows; bothSync: { s1: LevelRows; s2: LevelRows } | null } | null;
  /**
   * The standby that releases a delayed block's commits, its rows timed in that block (results
   * version 4; empty before): a setting with rows here draws its commits from them instead.
   */
  blockRows: BlockRows[];
  /** The results timed the standbys' steps; without them the steps take no time and s1's link is loopback. */
  timedSteps: boolean;
  /**
   * The results have the commits' clocks (when the WAL left, arrived, was confirmed, and the
   * backend ran again): the primary then ships once its WAL is flushed, while its commit goes on,
   * and wakes up after the confirmation. Without them, it ships once its local commit is done.
   */
  clocked: boolean;
}

/** The releasing standby's timed commits in one delayed block (`PgLabResults.blockSteps`). */
export interface BlockRows {
  standby: "s1" | "s2";
  standbyNames: string;
  proxyDelayMs: number;
  applyDelayMs: number;
  rows: LevelRows;
}

/** A standby's timed commits, per level, with every row whole. */
export type LevelRows = Partial<Record<StepTimings["level"], CommitSteps>>;

function levelRows(levels: StepTimings[] | undefined): LevelRows | null {
  const rows: LevelRows = {};
  for (const l of levels ?? []) if (l.perCommit && l.perCommit.commitMs.length > 0) rows[l.level] = l.perCommit;
  return rows.on ? rows : null;
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
  const rows1 = levelRows(solo("s1"));
  const rows2 = levelRows(solo("s2"));
  const both1 = levelRows(both("s1"));
  const both2 = levelRows(both("s2"));
  const rows = isClocked && rows1 && rows2 ? { s1: rows1, s2: rows2, bothSync: both1 && both2 ? { s1: both1, s2: both2 } : null } : null;
  const blockRows: BlockRows[] = [];
  for (const c of rows ? (results.blockSteps ?? []) : []) {
    const own = levelRows(c.levels);
    if (own) blockRows.push({ standby: c.standby, standbyNames: c.standbyNames, proxyDelayMs: c.proxyDelayMs, applyDelayMs: c.applyDelayMs, rows: own });
  }
  return {
    loopbackMs,
    roundTripMs,
    rows,
    blockRows,
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

const isFirst2 = (setting: SimulatedSetting) => /^\s*FIRST\s+2\b/i.test(setting.standbyNames);

/** The standbys as timed for a setting: both synchronous (FIRST 2) when the results timed that, else each alone. */
function standbysFor(setting: SimulatedSetting, inputs: ModelInputs): Record<"s1" | "s2", StandbyModel> {
  return inputs.bothSync !== null && isFirst2(setting) ? inputs.bothSync : inputs.standbys;
}

/**
 * What a simulated commit is for: its latency, or the race between a standby and a read right
 * after it (StepDraws). A `local` commit's latency is the measured local commit itself, not a
 * timed one's.
 */
export type JointPurpose = "latency" | "race";

/**
 * A setting's timed commits as rows the simulator draws whole (`jointSteps`): one row per commit,
 * so that a commit's steps are as slow or as quick together as they were in PostgreSQL. From the
 * synchronous standby's commits of the setting's level (s1's under FIRST 1 and ANY 1, where s2
 * keeps steps of its own; both standbys' under FIRST 2, `on` only), or, for a delayed block's
 * `on` whose releasing standby the lab timed in that block (`blockRows`), from those: s2's under
 * ANY 1 with s1's link delayed (s1 then keeps steps of its own), s1's when it replays late:
 * - the primary's flush and its local commit: the INSERT (median) and the COMMIT until the
 *   walsender sent the WAL; for a `local` commit's race, its local commit is its whole COMMIT;
 * - the WAL's transit to the standby (with the proxy's delay added, the link keeps its own draws);
 *   with both synchronous, the later walsender's wait on top;
 * - the standby's answer after the WAL arrived, as the step the level waits for (write, flush or
 *   replay, with any recovery_min_apply_delay on top);
 * - the backend's wake-up: from the answer to the backend running again, less the trip back.
 * null when the results have no such rows (before version 3), for `off`, and for a `local`
 * commit's latency.
 */
export function jointStepsFor(setting: SimulatedSetting, inputs: ModelInputs, purpose: JointPurpose): JointStepsConfig | null {
  const rows = inputs.rows;
  const { level } = setting;
  if (rows === null || level === "off" || (level === "local" && purpose === "latency")) return null;
  const executeMs = median(inputs.executeMs);
  const delayed = setting.proxyDelayMs > 0;
  const columns: JointStep[] = ["leaderFlushMs", "leaderCommitMs"];
  const out: number[][] = [];
  if (isFirst2(setting)) {
    const both = rows.bothSync;
    const [a, b] = [both?.s1.on, both?.s2.on];
    if (level !== "on" || !a || !b || a.commitMs.length !== b.commitMs.length || !inputs.bothSync) return null;
    const links = [inputs.bothSync.s1.linkMs, inputs.bothSync.s2.linkMs];
    columns.push(...(delayed ? [] : (["s1.toFollowerMs"] as const)), "s2.toFollowerMs", "s1.writeMs", "s1.flushMs", "s2.writeMs", "s2.flushMs", "leaderWakeMs");
    for (let i = 0; i < a.commitMs.length; i++) {
      const ship = Math.min(a.shipMs[i], b.shipMs[i]);
      // The later answer releases the commit; the delayed s1's, when its link is delayed.
      const answered = [a, b].map((r) => r.shipMs[i] + r.transitMs[i] + r.replyMs[i]);
      const later = delayed || answered[0] >= answered[1] ? 0 : 1;
      out.push([
        executeMs + ship,
        executeMs + ship,
        ...(delayed ? [] : [a.transitMs[i] + a.shipMs[i] - ship]),
        b.transitMs[i] + b.shipMs[i] - ship,
        0,
        a.replyMs[i],
        0,
        b.replyMs[i],
        Math.max(0, [a, b][later].releaseMs[i] - links[later]),
      ]);
    }
    return { columns, rowsMs: out };
  }
  // The releasing standby timed in this setting's own block, if it was (delayed blocks, `on`).
  const own = inputs.blockRows.find(
    (b) => b.standbyNames === setting.standbyNames && b.proxyDelayMs === setting.proxyDelayMs && b.applyDelayMs === setting.applyDelayMs && b.rows[level] !== undefined,
  );
  const name = own?.standby ?? "s1";
  const r = own ? own.rows[level] : rows.s1[level];
  if (!r) return null;
  const linkMs = inputs.standbys[name].linkMs;
  // Only s1's link is ever delayed: it then keeps its own draws (the proxy's realised delays).
  const ownLink = !(delayed && name === "s1");
  if (ownLink) columns.push(`${name}.toFollowerMs`);
  const waited: JointStep[] = (level === "remote_write" ? ["writeMs"] : level === "on" ? ["writeMs", "flushMs"] : level === "remote_apply" ? ["writeMs", "flushMs", "applyMs"] : []).map(
    (step) => `${name}.${step}` as JointStep,
  );
  columns.push(...waited);
  if (level !== "local") columns.push("leaderWakeMs");
  for (let i = 0; i < r.commitMs.length; i++) {
    const row = [executeMs + r.shipMs[i], executeMs + (level === "local" ? r.commitMs[i] : r.shipMs[i])];
    if (ownLink) row.push(r.transitMs[i]);
    // The standby's whole answer goes into the last step waited for; the ones before it take none.
    waited.forEach((_, k) => row.push(k < waited.length - 1 ? 0 : r.replyMs[i] + (level === "remote_apply" ? setting.applyDelayMs : 0)));
    if (level !== "local") row.push(Math.max(0, r.releaseMs[i] - linkMs));
    out.push(row);
  }
  return { columns, rowsMs: out };
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
 * How the simulator draws the steps that are not in a timed commit's row (jointStepsFor: with
 * version 3 results, a synchronous commit's own steps come from one row, and these rules are left
 * for the others, such as s2's under FIRST 1, or s1's flush after a remote_write commit); with
 * older results, for every step:
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
export function followersFor(setting: SimulatedSetting, inputs: ModelInputs, draws: StepDraws = "medians", joint: JointStepsConfig | null = null): FollowerConfig[] {
  const atMedian = (percentilesMs: number[]) => constant(median(percentilesMs));
  const dist = (percentilesMs: number[]): Dist => (draws === "typical" ? atMedian(percentilesMs) : empirical(percentilesMs));
  const step = (percentilesMs: number[]): Dist => (draws === "drawn" ? empirical(percentilesMs) : atMedian(percentilesMs));
  const standbys = standbysFor(setting, inputs);
  const flush = leaderFlushFor(setting, inputs);
  const { s1, s2 } = standbys;
  // With s1's timed commits drawn whole, the WAL leaves when s1's walsender sent it in that commit.
  const soloRows = joint !== null && !isFirst2(setting);
  const firstSend = flush === null ? 0 : soloRows ? median(s1.shipMs!) : Math.min(median(s1.shipMs!), median(s2.shipMs!));
  const lateSend = (m: StandbyModel) => (flush !== null ? Math.max(0, median(m.shipMs!) - firstSend) : 0);
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
  const joint = jointStepsFor(setting, inputs, options.draws === "drawn" ? "race" : "latency");
  return {
    seed: options.seed ?? 1,
    followers: followersFor(setting, inputs, options.draws, joint),
    // A walreceiver flushes all the WAL it has written in one fsync.
    groupFlush: true,
    ack: ackPolicyFor(setting.standbyNames, setting.level),
    // PostgreSQL's walsender sends only WAL the primary has flushed.
    ...primaryStepsFor(setting, inputs, options.draws),
    leaderCommitMs: empirical(leaderCommitFor(setting, inputs)),
    network: { clientRequestMs: hop, clientResponseMs: hop },
    workload: { closedLoop: { clients: 1, writesPerClient: options.writes ?? 2000 } },
    ...(joint !== null ? { jointSteps: joint } : {}),
  };
}

/**
 * The PostgreSQL lab beside the simulator: the results format of `npm run pg-lab`, and the pure
 * functions that run the same configurations in the simulator and chart both side by side.
 *
 * The results are plain data, shared by the script that measures, the tests that check them and the
 * notebook. Latencies are client-side: from sending the INSERT to its reply.
 */

import type { VegaLiteSpec } from "./charts";
import type { FollowerConfig, SimConfig } from "./config";
import { constant, empirical, shifted } from "./dist";
import { ConfigError } from "./errors";
import { asyncAck, firstOf, quorum, type AckPolicy } from "./policies";
import { simulate } from "./sim";
import { quantileSorted, sorted } from "./stats";

/** PostgreSQL's synchronous_commit levels, from "wait for nothing" to "wait until the standby applied". */
export type SyncCommitLevel = "off" | "local" | "remote_write" | "on" | "remote_apply";

export const SYNC_COMMIT_LEVELS: readonly SyncCommitLevel[] = ["off", "local", "remote_write", "on", "remote_apply"];

/** Percentiles 0, 1, …, 100 of a sample, plus its size and mean. */
export interface LatencySummary {
  count: number;
  meanMs: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  /** 101 values: the 0th, 1st, …, 100th percentile. Enough to resample the distribution. */
  percentilesMs: number[];
}

/** One commit-latency measurement: one setting, many sequential autocommit INSERTs from one client. */
export interface LatencyCase {
  /** Short unique name, e.g. "FIRST 1 · on · s1 +5 ms". */
  label: string;
  /** The primary's synchronous_standby_names during the measurement. */
  standbyNames: string;
  level: SyncCommitLevel;
  /** One-way delay the proxy added on s1's link to the primary (0: none; s2 is never delayed). */
  proxyDelayMs: number;
  /** recovery_min_apply_delay on s1 (0: none). */
  applyDelayMs: number;
  latency: LatencySummary;
}

/** Reads on a standby right after a commit returned: how many missed the write. */
export interface StaleReadCase {
  label: string;
  standbyNames: string;
  level: SyncCommitLevel;
  proxyDelayMs: number;
  /** The standby read from. */
  readFrom: "s1" | "s2";
  trials: number;
  staleReads: number;
}

/** A failover after a crash: acknowledged writes the promoted standby does not have. */
export interface LostWritesCase {
  label: string;
  standbyNames: string;
  level: SyncCommitLevel;
  /** How s1 (the standby promoted afterwards) was cut off: "partition" before the crash, or a delayed link cut at the crash. */
  scenario: "partition-then-crash" | "delayed-link-cut-at-crash";
  proxyDelayMs: number;
  /** Writes flowed to both standbys for this long before anything else happened. */
  warmupMs: number;
  /** How long the writers then ran while s1 was cut off (partition) or still linked (delayed link), until the crash. */
  windowMs: number;
  writers: number;
  /** Writes acknowledged to the clients before the crash. */
  ackedWrites: number;
  /** Acknowledged writes missing on the promoted standby. */
  lostAckedWrites: number;
  /** Writes in flight at the crash (the client got an error or no answer). */
  unackedWrites: number;
  /** Of those, how many the promoted standby nonetheless has (allowed: the client was never told either way). */
  unackedPresent: number;
}

export interface DelaySamples {
  /** The delay the proxy was asked to add, per direction. */
  requestedMs: number;
  /** Delays it really added (timers fire late), primary to standby. */
  toStandby: LatencySummary;
  /** Standby to primary (the acknowledgements). */
  toPrimary: LatencySummary;
}

export interface PgLabResults {
  /** Format version of this file. */
  version: 1;
  quick: boolean;
  startedAt: string;
  durationMs: number;
  machine: { cpus: number; platform: string; postgres: string };
  /** Commits per latency case, trials per stale-read case. */
  commitsPerCase: number;
  proxy: DelaySamples;
  /**
   * Round trip of a trivial query to the primary (SELECT 1): the client and network share of every
   * latency below, which the simulator's leader does not have.
   */
  roundTrip: LatencySummary;
  latency: LatencyCase[];
  staleReads: StaleReadCase[];
  lostWrites: LostWritesCase[];
}

/** Summarises a sample of durations in ms. */
export function summarizeLatencies(samplesMs: ArrayLike<number>): LatencySummary {
  const s = sorted(samplesMs);
  if (s.length === 0) return { count: 0, meanMs: 0, p50Ms: 0, p90Ms: 0, p99Ms: 0, percentilesMs: [] };
  let sum = 0;
  for (let i = 0; i < s.length; i++) sum += s[i];
  const percentilesMs: number[] = [];
  for (let i = 0; i <= 100; i++) percentilesMs.push(round3(quantileSorted(s, i / 100)));
  return {
    count: s.length,
    meanMs: round3(sum / s.length),
    p50Ms: round3(quantileSorted(s, 0.5)),
    p90Ms: round3(quantileSorted(s, 0.9)),
    p99Ms: round3(quantileSorted(s, 0.99)),
    percentilesMs,
  };
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}

/** The case with this label; throws with the labels there are when it is missing. */
export function latencyCase(results: PgLabResults, label: string): LatencyCase {
  const found = results.latency.find((c) => c.label === label);
  if (!found) throw new Error(`no latency case "${label}"; there are: ${results.latency.map((c) => c.label).join(", ")}`);
  return found;
}

// ------------------------------------------------------------------ the same settings, simulated

/**
 * What the simulator is told about the machine, all taken from the measurements. Nothing else is
 * tuned: where the simulator and PostgreSQL differ, the difference is what the model leaves out.
 */
export interface ModelInputs {
  /** One way between processes on 127.0.0.1: half the SELECT 1 round trip. */
  loopbackMs: number;
  /** The leader's work before replying with synchronous_commit=off: running the INSERT. */
  executeMs: number[];
  /** The same with a local WAL flush (synchronous_commit=local): running the INSERT and fsync. */
  commitMs: number[];
  /** Delays the proxy really added on s1's link, primary to standby and back. */
  proxyToStandbyMs: number[];
  proxyToPrimaryMs: number[];
}

const minus = (values: number[], offsetMs: number) => values.map((v) => Math.max(0, v - offsetMs));

export function modelInputs(results: PgLabResults): ModelInputs {
  const roundTripMs = results.roundTrip.p50Ms;
  const undelayed = (level: SyncCommitLevel) => {
    const found = results.latency.find((c) => c.level === level && c.proxyDelayMs === 0 && c.applyDelayMs === 0);
    if (!found) throw new Error(`the results have no undelayed "${level}" case to take the leader's commit time from`);
    return found.latency.percentilesMs;
  };
  return {
    loopbackMs: roundTripMs / 2,
    executeMs: minus(undelayed("off"), roundTripMs),
    commitMs: minus(undelayed("local"), roundTripMs),
    proxyToStandbyMs: results.proxy.toStandby.percentilesMs,
    proxyToPrimaryMs: results.proxy.toPrimary.percentilesMs,
  };
}

/** The simulator's acknowledgement policy for a synchronous_standby_names and synchronous_commit pair. */
export function ackPolicyFor(standbyNames: string, level: SyncCommitLevel): AckPolicy {
  if (level === "off" || level === "local" || standbyNames.trim() === "") return asyncAck();
  const on = level === "remote_apply" ? "apply" : "receive";
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
}

/**
 * Followers s1 (through the proxy) and s2 (direct), as the lab's cluster has them. `typical` puts
 * the median delay on s1's link instead of the recorded distribution: for a busy stream, where the
 * recorded delays already include waiting behind earlier bytes, and the simulator's in-order
 * delivery would count that wait a second time.
 */
function followersFor(setting: SimulatedSetting, inputs: ModelInputs, typical = false): FollowerConfig[] {
  const hop = constant(inputs.loopbackMs);
  const link = (samplesMs: number[]) =>
    setting.proxyDelayMs === 0 ? hop : shifted(inputs.loopbackMs, typical ? constant(samplesMs[50] ?? setting.proxyDelayMs) : empirical(samplesMs));
  return [
    {
      name: "s1",
      toFollowerMs: link(inputs.proxyToStandbyMs),
      toLeaderMs: link(inputs.proxyToPrimaryMs),
      applyMs: constant(setting.applyDelayMs),
    },
    { name: "s2", toFollowerMs: hop, toLeaderMs: hop, applyMs: constant(0) },
  ];
}

/** A simulated run of one client committing `writes` times in a row, as the lab's writer does. */
export function simConfigFor(setting: SimulatedSetting, inputs: ModelInputs, options: { seed?: number; writes?: number } = {}): SimConfig {
  const hop = constant(inputs.loopbackMs);
  return {
    seed: options.seed ?? 1,
    followers: followersFor(setting, inputs),
    ack: ackPolicyFor(setting.standbyNames, setting.level),
    leaderCommitMs: empirical(setting.level === "off" ? inputs.executeMs : inputs.commitMs),
    network: { clientRequestMs: hop, clientResponseMs: hop },
    workload: { closedLoop: { clients: 1, writesPerClient: options.writes ?? 2000 } },
  };
}

export interface LatencyComparison extends SimulatedSetting {
  label: string;
  measured: LatencySummary;
  simulated: LatencySummary;
  /** What the model leaves out that shows in this row. */
  why: string;
}

/** Why measured and simulated commit latency differ for a setting (or agree). */
export function explainLatencyGap(setting: SimulatedSetting): string {
  const { level, standbyNames, proxyDelayMs, applyDelayMs } = setting;
  if (level === "off") return "Both: the INSERT and the client round trip only; nothing waits for a disk or a standby.";
  if (level === "local") return "Input, equal by construction: the simulator takes the leader's commit time (the WAL fsync) from this measurement.";
  if (standbyNames.startsWith("ANY") && proxyDelayMs > 0) {
    return "Both: either standby's acknowledgement is enough, so undelayed s2 hides delayed s1.";
  }
  if (applyDelayMs > 0) {
    return level === "remote_apply"
      ? "Both wait for the delayed apply; PostgreSQL counts recovery_min_apply_delay from the primary's commit time, after the local flush."
      : "Both: `on` waits for the standby's flush, not its apply, so a slow apply costs nothing here.";
  }
  const parts: string[] = [];
  if (proxyDelayMs > 0) {
    parts.push("PostgreSQL sends WAL only after flushing it locally, so the fsync and the round trip add up; the simulator ships while the leader commits");
  }
  parts.push(
    level === "remote_write"
      ? "the standby writes the WAL to its OS before acknowledging; the simulated standby acknowledges on arrival"
      : level === "on"
        ? "the standby also fsyncs the WAL before acknowledging; the simulated standby acknowledges on arrival"
        : "the standby's startup process replays the WAL after it is flushed; the simulated apply takes no time",
  );
  parts.push("walsender and walreceiver wake up for each batch");
  return `PostgreSQL is slower: ${parts.join("; ")}.`;
}

/** Every measured latency case beside the simulator's run of the same setting. */
export function compareCommitLatency(results: PgLabResults, options: { seed?: number; writes?: number } = {}): LatencyComparison[] {
  const inputs = modelInputs(results);
  return results.latency.map((c) => {
    const run = simulate(simConfigFor(c, inputs, options));
    return {
      label: c.label,
      standbyNames: c.standbyNames,
      level: c.level,
      proxyDelayMs: c.proxyDelayMs,
      applyDelayMs: c.applyDelayMs,
      measured: c.latency,
      simulated: summarizeLatencies(run.commitLatencyMs()),
      why: explainLatencyGap(c),
    };
  });
}

export interface StaleComparison {
  label: string;
  level: SyncCommitLevel;
  proxyDelayMs: number;
  measuredStaleShare: number;
  simulatedStaleShare: number;
  why: string;
}

function explainStaleGap(level: SyncCommitLevel, proxyDelayMs: number): string {
  if (level === "remote_apply") return "Both: the commit returns only once s1 has applied the write.";
  if (level === "local") {
    return "PostgreSQL sends WAL only after the local flush, so s1 gets the write after the client already has its reply; the simulator ships it while the leader commits.";
  }
  if (proxyDelayMs > 0) return "Both: the acknowledgement's trip back through the delayed link gives s1 time to apply.";
  return "PostgreSQL replays WAL in a separate process after acknowledging it; the simulated standby applies on arrival, so it is never behind its own acknowledgement.";
}

/** Share of reads on s1, sent right after the commit reply, that miss the write: measured and simulated. */
export function compareStaleReads(results: PgLabResults, options: { seed?: number; writes?: number } = {}): StaleComparison[] {
  const inputs = modelInputs(results);
  return results.staleReads.map((c) => {
    const run = simulate(simConfigFor({ ...c, applyDelayMs: 0 }, inputs, options));
    const s1 = run.followers.indexOf(c.readFrom);
    const { ackMs, appliedMs } = run.writes;
    let acked = 0;
    let stale = 0;
    for (let w = 0; w < run.writes.count; w++) {
      if (ackMs[w] === Infinity) continue;
      acked++;
      // The read reaches s1 one loopback hop after the client got its reply.
      if (appliedMs[s1][w] > ackMs[w] + inputs.loopbackMs) stale++;
    }
    return {
      label: c.label,
      level: c.level,
      proxyDelayMs: c.proxyDelayMs,
      measuredStaleShare: c.trials > 0 ? c.staleReads / c.trials : 0,
      simulatedStaleShare: acked > 0 ? stale / acked : 0,
      why: explainStaleGap(c.level, c.proxyDelayMs),
    };
  });
}

export interface LossComparison {
  label: string;
  scenario: LostWritesCase["scenario"];
  standbyNames: string;
  measuredAcked: number;
  measuredLost: number;
  simulatedAcked: number;
  simulatedLost: number;
  why: string;
}

/**
 * The failover scenarios in the simulator: writes at the measured rate, s1 cut off (a crashed
 * follower receives nothing more), and the acknowledged writes s1 had not received at the moment
 * of the leader's crash counted as lost (a promoted standby replays all it received).
 */
export function compareLostWrites(results: PgLabResults, options: { seed?: number } = {}): LossComparison[] {
  const inputs = modelInputs(results);
  return results.lostWrites.map((c) => {
    const crashMs = c.warmupMs + c.windowMs;
    const writesPerSec = Math.max(1, (c.ackedWrites / crashMs) * 1000);
    const cutMs = c.scenario === "partition-then-crash" ? c.warmupMs : crashMs;
    const run = simulate({
      seed: options.seed ?? 1,
      followers: followersFor({ ...c, applyDelayMs: 0 }, inputs, true),
      ack: ackPolicyFor(c.standbyNames, c.level),
      // The median, not the distribution: with many writers one fsync serves a group of commits,
      // and drawing a rare slow flush per write would hold back every later acknowledgement.
      leaderCommitMs: constant(inputs.commitMs[50]),
      network: { clientRequestMs: constant(inputs.loopbackMs), clientResponseMs: constant(inputs.loopbackMs) },
      workload: { writesPerSec, durationMs: crashMs, arrival: "fixed" },
      faults: [{ node: "s1", kind: "crash", fromMs: cutMs }],
    });
    const s1 = run.followers.indexOf("s1");
    const { ackMs, receivedMs } = run.writes;
    let acked = 0;
    let lost = 0;
    for (let w = 0; w < run.writes.count; w++) {
      if (ackMs[w] > crashMs) continue;
      acked++;
      if (!(receivedMs[s1][w] <= crashMs)) lost++;
    }
    const sync = c.standbyNames.trim() !== "";
    const why = sync
      ? "Both: a commit waits for s1, so nothing s1 lacks was ever acknowledged."
      : c.scenario === "partition-then-crash"
        ? "Both: every write acknowledged while s1 was cut off is lost, about rate × time cut off."
        : "Both about rate × one-way delay: the writes still on the wire when the link went down. PostgreSQL varies more from run to run: WAL leaves only after the local flush, in batches, and stopping every backend takes a moment.";
    return { label: c.label, scenario: c.scenario, standbyNames: c.standbyNames, measuredAcked: c.ackedWrites, measuredLost: c.lostAckedWrites, simulatedAcked: acked, simulatedLost: lost, why };
  });
}

/**
 * Measured against simulated commit latency, one row per setting: the median as a dot, the 10th to
 * 90th percentile as a line, on a log scale (the settings span 0.1 to 20 ms and more).
 */
export function latencyComparisonChart(rows: LatencyComparison[], options: { title?: string } = {}): VegaLiteSpec {
  const data = rows.flatMap((r) =>
    (["measured", "simulated"] as const).map((source) => {
      const summary = r[source];
      const at = (p: number) => Math.max(0.01, summary.percentilesMs[p] ?? summary.p50Ms);
      return { setting: r.label, source: source === "measured" ? "PostgreSQL" : "simulator", p50Ms: Math.max(0.01, summary.p50Ms), p10Ms: at(10), p90Ms: at(90) };
    }),
  );
  const y = { field: "setting", type: "nominal", sort: rows.map((r) => r.label), title: null, axis: { labelLimit: 360 } };
  const color = { field: "source", type: "nominal", title: null, scale: { domain: ["PostgreSQL", "simulator"], range: ["#336791", "#e45756"] } };
  const x = { type: "quantitative", scale: { type: "log" }, title: "commit latency (ms, log scale): median, 10th–90th percentile" };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: options.title ?? "Commit latency: PostgreSQL measured vs simulated",
    data: { values: data },
    width: 420,
    height: 26 * rows.length,
    encoding: { y, yOffset: { field: "source", type: "nominal" }, color },
    layer: [
      { mark: { type: "rule", strokeWidth: 2 }, encoding: { x: { ...x, field: "p10Ms" }, x2: { field: "p90Ms" } } },
      {
        mark: { type: "point", filled: true, size: 60 },
        encoding: {
          x: { ...x, field: "p50Ms" },
          shape: { field: "source", type: "nominal", title: null },
          tooltip: [{ field: "setting" }, { field: "source" }, { field: "p50Ms", format: ".2f" }, { field: "p90Ms", format: ".2f" }],
        },
      },
    ],
  };
}

/**
 * Every measured case of the lab beside the simulator's run of the same setting: commit latency,
 * reads on s1 right after a commit, and acknowledged writes lost on failover.
 */
import type { SimConfig } from "../config";
import { constant, empirical, sampler } from "../dist";
import { stream } from "../rng";
import { simulate } from "../sim";
import { summarizeLatencies, type LatencySummary, type LostWritesCase, type PgLabResults, type StaleReadCase, type SyncCommitLevel } from "./format";
import { ackPolicyFor, followersFor, jointStepsFor, modelInputs, primaryStepsFor, simConfigFor, type ModelInputs, type SimulatedSetting } from "./model";

export interface LatencyComparison extends SimulatedSetting {
  label: string;
  measured: LatencySummary;
  simulated: LatencySummary;
  /** What the model leaves out that shows in this row. */
  why: string;
}

const STEP_WAITED: Record<"remote_write" | "on" | "remote_apply", string> = {
  remote_write: "its write",
  on: "its write and flush",
  remote_apply: "its write, flush and replay",
};

/** What neither engine of the model has: the cost of sharing one machine. */
const LEFT_OUT =
  "what is left is the processes' own scheduling: the walsender waking after the flush, the backend after the reply, and three servers sharing two cores and one disk";

/** Why measured and simulated commit latency differ for a setting (or agree). */
export function explainLatencyGap(setting: SimulatedSetting, timedSteps = true, clocked = false, rows = false): string {
  const { level, standbyNames, proxyDelayMs, applyDelayMs } = setting;
  if (level === "off") return "Both: the INSERT and the client round trip only; nothing waits for a disk or a standby.";
  if (level === "local") return "Input, equal by construction: the simulator takes the leader's commit time (the INSERT and the WAL fsync) from this measurement.";
  if (standbyNames.startsWith("ANY") && proxyDelayMs > 0) return "Both: either standby's acknowledgement is enough, so undelayed s2 hides delayed s1.";
  if (applyDelayMs > 0) {
    return level === "remote_apply"
      ? "Both wait for the delayed replay; PostgreSQL counts recovery_min_apply_delay from the primary's commit, the simulator from the standby's flush, a little later."
      : "Both: `on` waits for the standby's flush, not its replay, so a slow replay costs nothing here.";
  }
  if (!timedSteps) {
    return "These results predate the lab's timing of the standby's steps: the simulated standby writes, flushes and replays in no time, so PostgreSQL is slower.";
  }
  const link = proxyDelayMs > 0 ? " through the delayed proxy" : "";
  const proxy = proxyDelayMs > 0 ? "; and the proxy, which runs in the lab's own process, holds bytes longer than it can time when that process waits for a core" : "";
  if (clocked) {
    const both = /^\s*FIRST\s+2\b/i.test(standbyNames) ? " (with both standbys synchronous, their steps as timed together: two flushes share the disk and the cores)" : "";
    const drawn = rows
      ? "each timed on the machine's one clock, a whole timed commit at a time; what is left is how far commits timed step by step are from plain ones, and the busy moments each met"
      : "each timed on the machine's one clock and taken at its median; what is left is a busy machine's moments, which slow the steps of one commit together";
    return `Both: the primary's flush and its walsender sending, the WAL to the standby${link}, ${STEP_WAITED[level]} there${both}, the reply back and the backend waking up, ${drawn}${proxy}.`;
  }
  return `Both: the primary's flush, then the WAL to the standby${link} and ${STEP_WAITED[level]} there, each timed by PostgreSQL; ${LEFT_OUT}${proxy}.`;
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
      why: explainLatencyGap(c, inputs.timedSteps, inputs.clocked, inputs.rows !== null && jointStepsFor(c, inputs, "latency") !== null),
    };
  });
}

export interface StaleComparison {
  label: string;
  level: SyncCommitLevel;
  proxyDelayMs: number;
  /** Reads on s1 in the lab. */
  trials: number;
  measuredStaleShare: number;
  simulatedStaleShare: number;
  why: string;
}

/** Where s1 was just before PostgreSQL's stale reads, in words; empty when not measured. */
function staleCauses(c: StaleReadCase): string {
  const b = c.staleBecause;
  if (!b || c.staleReads === 0) return "";
  const parts = [
    b.notWritten > 0 ? `${b.notWritten} before s1 had written the WAL` : "",
    b.notFlushed > 0 ? `${b.notFlushed} before it had flushed it` : "",
    b.notReplayed > 0 ? `${b.notReplayed} before it had replayed it` : "",
  ].filter((p) => p !== "");
  return parts.length > 0 ? ` Of PostgreSQL's ${c.staleReads} stale reads, ${parts.join(", ")}.` : "";
}

function explainStaleGap(c: StaleReadCase, timedSteps: boolean): string {
  return explainStaleRace(c.level, c.proxyDelayMs, timedSteps) + staleCauses(c);
}

function explainStaleRace(level: SyncCommitLevel, proxyDelayMs: number, timedSteps: boolean): string {
  if (level === "remote_apply") return "Both: the commit returns only once s1 has replayed the write.";
  if (proxyDelayMs > 0) return "Both: the acknowledgement's trip back through the delayed link gives s1 time to flush and replay.";
  if (!timedSteps) return "These results predate the lab's timing of the standby's steps: the simulated standby replays on arrival, so it is seldom behind.";
  const race =
    level === "local"
      ? "the WAL leaves only after the primary's flush, and s1 must still receive, write, flush and replay it"
      : level === "remote_write"
        ? "the commit returns once s1 has written the WAL, and s1 must still flush and replay it"
        : "the commit returns once s1 has flushed the WAL, and only its replay is left";
  return `Both: ${race} while the reply reaches the client and the read reaches s1 (that path is measured too); ${LEFT_OUT}, which can slow the read and s1 alike.`;
}

/**
 * Share of reads on s1, sent right after the commit reply, that miss the write: measured and
 * simulated. A simulated read starts on s1 when the client has the reply, less the reply's own
 * hop, plus the measured path from a finished commit to a read on s1: timed in the case's own
 * trials (s1 is busy with that level's remaining steps as the read arrives), or in results before
 * version 3 after local commits.
 */
export function compareStaleReads(results: PgLabResults, options: { seed?: number; writes?: number } = {}): StaleComparison[] {
  const inputs = modelInputs(results);
  return results.staleReads.map((c) => {
    // The local commits timed with the latency cases of the same setting, under the same load.
    const local = results.latency.find((l) => l.standbyNames === c.standbyNames && l.proxyDelayMs === c.proxyDelayMs && l.applyDelayMs === 0)?.local;
    // Every step drawn: the race turns on their slow moments (StepDraws in model.ts).
    const config = simConfigFor({ ...c, applyDelayMs: 0, local }, inputs, { ...options, draws: "drawn" });
    const run = simulate(config);
    const s1 = run.followers.indexOf(c.readFrom);
    // The read's own path, timed in these trials; else the one timed after local commits.
    const readPath = sampler(empirical(c.readPath && c.readPath.count > 0 ? c.readPath.percentilesMs : inputs.readPathMs));
    const rng = stream(config.seed, "pg-compare/read-path");
    const { ackMs, appliedMs } = run.writes;
    let acked = 0;
    let stale = 0;
    for (let w = 0; w < run.writes.count; w++) {
      if (ackMs[w] === Infinity) continue;
      acked++;
      if (appliedMs[s1][w] > ackMs[w] - inputs.loopbackMs + readPath(rng)) stale++;
    }
    return {
      label: c.label,
      level: c.level,
      proxyDelayMs: c.proxyDelayMs,
      trials: c.trials,
      measuredStaleShare: c.trials > 0 ? c.staleReads / c.trials : 0,
      simulatedStaleShare: acked > 0 ? stale / acked : 0,
      why: explainStaleGap(c, inputs.timedSteps),
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
 * of the leader's crash counted as lost (a promoted standby replays all it received). A case the
 * lab ran several times (`crashes`) is simulated as often, seeds `seed`, `seed + 1`, …, and added up.
 */
export function compareLostWrites(results: PgLabResults, options: { seed?: number } = {}): LossComparison[] {
  const inputs = modelInputs(results);
  return results.lostWrites.map((c) => {
    const crashMs = c.warmupMs + c.windowMs;
    // As many crashes as the lab ran (each a run of its own seed), their counts added up.
    const crashes = Math.max(1, c.crashes ?? 1);
    const writesPerSec = Math.max(1, (c.ackedWrites / crashes / crashMs) * 1000);
    const cutMs = c.scenario === "partition-then-crash" ? c.warmupMs : crashMs;
    // The proxy's delays as realised during these crashes, when the lab recorded them.
    const own = c.proxyToStandby && c.proxyToStandby.count > 0 ? { ...inputs, proxyToStandbyMs: c.proxyToStandby.percentilesMs } : inputs;
    const config: Omit<SimConfig, "seed"> = {
      followers: followersFor({ ...c, applyDelayMs: 0 }, own, "typical"),
      ack: ackPolicyFor(c.standbyNames, c.level),
      ...primaryStepsFor({ ...c, applyDelayMs: 0 }, inputs, "typical"),
      // The median, not the distribution: with many writers one fsync serves a group of commits,
      // and drawing a rare slow flush per write would hold back every later acknowledgement.
      leaderCommitMs: constant(median(inputs.commitMs)),
      network: { clientRequestMs: constant(inputs.loopbackMs), clientResponseMs: constant(inputs.loopbackMs) },
      workload: { writesPerSec, durationMs: crashMs, arrival: "fixed" },
      faults: [{ node: "s1", kind: "crash", fromMs: cutMs }],
    };
    let acked = 0;
    let lost = 0;
    for (let k = 0; k < crashes; k++) {
      const run = simulate({ ...config, seed: (options.seed ?? 1) + k });
      const s1 = run.followers.indexOf("s1");
      const { ackMs, receivedMs } = run.writes;
      for (let w = 0; w < run.writes.count; w++) {
        if (ackMs[w] > crashMs) continue;
        acked++;
        if (!(receivedMs[s1][w] <= crashMs)) lost++;
      }
    }
    return {
      label: c.label,
      scenario: c.scenario,
      standbyNames: c.standbyNames,
      measuredAcked: c.ackedWrites,
      measuredLost: c.lostAckedWrites,
      simulatedAcked: acked,
      simulatedLost: lost,
      why: explainLoss(c),
    };
  });
}

function explainLoss(c: LostWritesCase): string {
  if (c.standbyNames.trim() !== "") return "Both: a commit waits for s1, so nothing s1 lacks was ever acknowledged.";
  if (c.scenario === "partition-then-crash") return "Both: every write acknowledged while s1 was cut off is lost, about rate × time cut off.";
  return (
    "Both about rate × (flush + one-way delay): the writes still on their way when the link went down. PostgreSQL varies more from run " +
    "to run: its WAL leaves in batches, and stopping every backend takes a moment."
  );
}

function median(percentilesMs: number[]): number {
  return percentilesMs[Math.floor(percentilesMs.length / 2)];
}

export type { ModelInputs };

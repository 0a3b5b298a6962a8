/**
 * Exercise 07's judge: random link profiles, and three kinds of simulated runs of a detector
 * setting on them: latency spikes without a crash, leader pauses without a crash (no failover
 * may happen in either), and a real crash (the outage must stay within the budget).
 *
 * Every time the failure detector works with is a multiple of 1/1024 ms (the heartbeat delays are
 * drawn from a list of such values, crashes and pauses start on whole milliseconds, and the
 * submission's heartbeat and timeout are rounded to 1/1024 ms), so sums are exact in floating
 * point and the engine's "silent for at least timeoutMs" test never hinges on rounding.
 */
import { empirical, simulate } from "../../lib";
import type { Dist, RunResult, SimConfig } from "../../lib";
import { randomInt, stream, type Rng } from "../../lib/rng";
import type { Violation } from "../graded";

/** The grader's copy of the input shape; the student's signature must accept it. */
export interface LinkProfile {
  typicalDelayMs: number;
  spikeDelayMs: number;
  gcPauseMs: number;
  heartbeatsPerSecMax: number;
  outageBudgetMs: number;
}

export interface DetectorSetting {
  heartbeatMs: number;
  timeoutMs: number;
}

const TICK = 1024;
const onTick = (ms: number): number => Math.round(ms * TICK) / TICK;
const between = (rng: Rng, lo: number, hi: number): number => lo + (hi - lo) * rng.next();

/** Heartbeats each run lasts for, at the budget's fastest rate. */
const HEARTBEATS_PER_RUN = 200;

/**
 * A random link: spikes of 50-400 ms, pauses from a third of a spike to two spikes, a
 * heartbeat interval (at the budget's rate) between a sixth of the spike and most of it, and an
 * outage budget that a timeout of up to 1.5 times the longest silence a live leader can cause
 * meets, so a band of sensible timeouts passes and both extremes fail.
 */
export function randomProfile(seed: number): LinkProfile {
  const rng = stream(seed, "07/profile");
  const spikeDelayMs = Math.round(between(rng, 50, 400));
  const gcPauseMs = Math.round(spikeDelayMs * between(rng, 0.3, 2));
  const heartbeatsPerSecMax = Math.max(1, Math.round(1000 / (spikeDelayMs * between(rng, 0.15, 0.8))));
  const typicalDelayMs = Math.round(between(rng, 0.5, 5) * 10) / 10;
  const profile = { typicalDelayMs, spikeDelayMs, gcPauseMs, heartbeatsPerSecMax, outageBudgetMs: 0 };
  // Detection takes the timeout plus the last heartbeat's delay (at most 4 typical delays).
  profile.outageBudgetMs = Math.round(1.5 * longestSilenceMs(profile) + 4 * typicalDelayMs);
  return profile;
}

/** The longest a live leader can be silent with heartbeats at the budget's rate (pause or spike, plus one interval). */
export function longestSilenceMs(p: LinkProfile): number {
  return Math.max(p.spikeDelayMs, p.gcPauseMs + 4 * p.typicalDelayMs) + 1000 / p.heartbeatsPerSecMax;
}

/** Heartbeat delays as 1000 values on the 1/1024 ms grid: typical ones, and with `spikes`, 3% spikes. */
export function heartbeatDelay(p: LinkProfile, seed: number, spikes: boolean): Dist {
  const rng = stream(seed, "07/delays");
  const typical = (): number => {
    // Log-normal around the typical delay, p99 three times it, capped at four times it.
    const z = Math.sqrt(-2 * Math.log(rng.next())) * Math.cos(2 * Math.PI * rng.next());
    return Math.min(4 * p.typicalDelayMs, p.typicalDelayMs * Math.exp((Math.log(3) / 2.326) * z));
  };
  const samples: number[] = [];
  for (let i = 0; i < 1000; i++) {
    if (spikes && i < 15) samples.push(p.spikeDelayMs);
    else if (spikes && i < 30) samples.push(between(rng, 0.5, 1) * p.spikeDelayMs);
    else samples.push(typical());
  }
  return empirical(samples.map(onTick));
}

export type RunKind = "spikes" | "pauses" | "crash";

/** The run of one kind for a profile and a detector setting. */
export function detectorRun(kind: RunKind, p: LinkProfile, setting: DetectorSetting, seed: number): SimConfig {
  const rng = stream(seed, `07/${kind}`);
  const hbFastestMs = 1000 / p.heartbeatsPerSecMax;
  const spanMs = Math.round(HEARTBEATS_PER_RUN * hbFastestMs);
  const config: SimConfig = {
    seed,
    followers: 2,
    failover: {
      detector: { heartbeatMs: onTick(setting.heartbeatMs), timeoutMs: onTick(setting.timeoutMs), delayMs: heartbeatDelay(p, seed, kind === "spikes") },
    },
    workload: { writesPerSec: 20, durationMs: spanMs },
    recordHistory: true,
  };
  if (kind === "pauses") {
    // Three pauses of exactly the longest length, well apart.
    config.faults = [0.2, 0.5, 0.8].map((at) => {
      const fromMs = Math.round(at * spanMs) + randomInt(rng, Math.max(1, Math.round(hbFastestMs)));
      return { node: "L", kind: "pause" as const, fromMs, toMs: fromMs + p.gcPauseMs };
    });
  }
  if (kind === "crash") {
    const atMs = Math.round(between(rng, 0.3, 0.6) * spanMs);
    config.failover!.crashLeader = { atMs };
    config.workload = { writesPerSec: 20, durationMs: atMs + 3 * p.outageBudgetMs + 1000 };
  }
  return config;
}

/** The first rule the setting itself breaks (before any run), or null. */
export function checkSetting(p: LinkProfile, answer: unknown): Violation | null {
  const a = answer as Partial<DetectorSetting> | null;
  if (a === null || typeof a !== "object" || typeof a.heartbeatMs !== "number" || typeof a.timeoutMs !== "number") {
    return { rule: "the answer is { heartbeatMs, timeoutMs }, two numbers", got: answer };
  }
  if (!(Number.isFinite(a.heartbeatMs) && a.heartbeatMs > 0 && Number.isFinite(a.timeoutMs) && a.timeoutMs > 0)) {
    return { rule: "heartbeatMs and timeoutMs are finite numbers of ms above 0", got: answer };
  }
  const fastestMs = 1000 / p.heartbeatsPerSecMax;
  if (a.heartbeatMs < fastestMs - 1e-9) {
    return {
      rule: "heartbeats stay within the budget: heartbeatMs >= 1000 / heartbeatsPerSecMax",
      details: `${p.heartbeatsPerSecMax} heartbeats/s allow one every ${round(fastestMs)} ms at most, got one every ${a.heartbeatMs} ms`,
      got: answer,
    };
  }
  return null;
}

const round = (x: number) => Math.round(x * 100) / 100;

/** Runs one kind of run and returns the rule broken, or null. */
export function judgeRun(kind: RunKind, p: LinkProfile, setting: DetectorSetting, seed: number, record: (label: string, value: unknown) => void): Violation | null {
  const run: RunResult = simulate(detectorRun(kind, p, setting, seed));
  const f = run.failover;
  record("failover", f);
  const mine = `heartbeats every ${round(setting.heartbeatMs)} ms, timeout ${round(setting.timeoutMs)} ms`;
  if (kind !== "crash") {
    if (f.spuriousFailovers === 0) return null;
    const suspicions = run.history.events.filter((e) => e.kind === "suspect").map((e) => round(e.atMs));
    const cause =
      kind === "spikes"
        ? `a heartbeat delayed by up to ${p.spikeDelayMs} ms holds back the ones behind it, so the monitor can hear nothing for about ${p.spikeDelayMs} ms plus one heartbeat interval`
        : `a ${p.gcPauseMs} ms pause silences the leader for the pause plus up to one heartbeat interval (and a delay)`;
    return {
      rule: kind === "spikes" ? "no failover while the leader is alive but its heartbeats are delayed by a latency spike" : "no failover while the leader is only paused (gcPauseMs)",
      details: `${f.spuriousFailovers} failover(s) of a live leader with ${mine}, suspected at ${suspicions.slice(0, 3).join(", ")} ms: ${cause}`,
      got: f.spuriousFailovers,
      want: 0,
    };
  }
  if (f.failovers >= 1 && f.outageMs <= p.outageBudgetMs) return null;
  return {
    rule: `a crashed leader is replaced within the outage budget (${p.outageBudgetMs} ms)`,
    details: f.failovers === 0 ? `the crash was never detected with ${mine}` : `the outage lasted ${round(f.outageMs)} ms with ${mine}: detection takes about the timeout after the last heartbeat`,
    got: round(f.outageMs),
    want: `<= ${p.outageBudgetMs}`,
  };
}

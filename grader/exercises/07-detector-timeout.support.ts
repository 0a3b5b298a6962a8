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
import fc from "fast-check";
import { constant, empirical, simulate } from "../../lib";
import type { Dist, Fault, RunResult, SimConfig } from "../../lib";
import { randomInt, stream, type Rng } from "../../lib/rng";
import type * as Exercise from "../../exercises/07-detector-timeout";
import type { Recorder, Violation } from "../graded";
import { turnOf } from "../search/aims";
import type { Hunt } from "../search/hunt";
import type { StudentCode } from "../student";

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
  return profileWith(stream(seed, "07/profile"), { pause: [0.3, 2], interval: [0.15, 0.8] });
}

/**
 * Links for hidden seeds, the kind read from the seed (`turnOf`, grader/search/aims.ts), each
 * aimed at the mistakes that show on it only: a pause well longer than any spike, or a spike well
 * longer than any pause, both with a long heartbeat interval (forgetting the pause, the delay
 * after waking, or the interval); a short interval (a timeout of a few intervals); a short
 * pause on a slow link with a tight budget (`TIGHT_LINK`); a long pause with that tight budget
 * (`LONG_TIGHT_LINK`); and a band narrower than a typical delay on a very slow link
 * (`NARROW_SLOW_LINK`); a long pause with that tight budget and many heartbeats a second
 * (`MANY_BEATS_TIGHT_LINK`); a fast link with a band of 1.1 ms whose middle, rounded up to whole ms,
 * is past the latest timeout (`wholeMsLink`); a silence of 12-16.6 ms on a fast link (sub-millisecond delays) with a
 * band of 1.2-1.9 ms, the pause the longer (`SHORT_PAUSE_FAST_LINK`) or the spike
 * (`SHORT_SPIKE_FAST_LINK`); a short spike as long as the pause and the delay after waking on a slow
 * link, with a band narrower than a typical delay and than 5 ms (`SHORT_SPIKE_SLOW_LINK`);
 * and a spike well longer than the pause with that tight budget (`SPIKE_TIGHT_LINK`). With the
 * seeds taking turns, every grading holds each kind.
 */
export const AIMED_PROFILES: readonly ((seed: number) => LinkProfile)[] = [
  (seed) => profileWith(stream(seed, "07/aimed-profile"), { pause: [1.3, 2], interval: [0.5, 0.8] }),
  (seed) => profileWith(stream(seed, "07/aimed-profile"), { pause: [0.3, 0.6], interval: [0.5, 0.8] }),
  (seed) => profileWith(stream(seed, "07/aimed-profile"), { pause: [0.3, 2], interval: [0.15, 0.25] }),
  (seed) => profileWith(stream(seed, "07/aimed-profile"), TIGHT_LINK),
  (seed) => profileWith(stream(seed, "07/aimed-profile"), LONG_TIGHT_LINK),
  (seed) => profileWith(stream(seed, "07/aimed-profile"), NARROW_SLOW_LINK),
  (seed) => profileWith(stream(seed, "07/aimed-profile"), MANY_BEATS_TIGHT_LINK),
  (seed) => wholeMsLink(stream(seed, "07/aimed-profile")),
  (seed) => profileWith(stream(seed, "07/aimed-profile"), SHORT_PAUSE_FAST_LINK),
  (seed) => profileWith(stream(seed, "07/aimed-profile"), SHORT_SPIKE_FAST_LINK),
  (seed) => profileWith(stream(seed, "07/aimed-profile"), SHORT_SPIKE_SLOW_LINK),
  (seed) => profileWith(stream(seed, "07/aimed-profile"), SPIKE_TIGHT_LINK),
];

/** A link of the kind its seed names in `AIMED_PROFILES`. */
export function aimedProfile(seed: number): LinkProfile {
  return AIMED_PROFILES[turnOf(seed, AIMED_PROFILES.length)](seed);
}

/**
 * A short pause (a little longer than a 50-60 ms spike) on a slow link (typical delays of
 * 4.5-5 ms), so that the delay of the first heartbeat after waking (up to 20-25 ms) is a good part
 * of the silence: a margin of 10-20% on the pause does not cover it. And a tight outage budget:
 * the timeout's band runs from the longest silence to a tenth above it and 2 ms more (what a 10%
 * margin on the whole silence needs, with room for the budget's rounding), narrower than 4 typical
 * delays and than one interval (30-50% of the spike), so that the middle of a band whose silence
 * leaves out the delay after waking or the interval falls below the real silence.
 */
const TIGHT_LINK: ProfileTimes = { spike: [50, 60], pause: [1.1, 1.3], interval: [0.3, 0.5], typical: [4.5, 5], band: "tight" };

/**
 * A long pause (1.1-1.3 spikes of 300-400 ms) with the tight budget of `TIGHT_LINK`: the band is a
 * tenth of a silence of 350-630 ms and 2 ms more, so a timeout 10% under the latest the budget
 * allows (0.99 of the silence and 1.8 ms) falls at least 1.5 ms below the silence.
 */
const LONG_TIGHT_LINK: ProfileTimes = { spike: [300, 400], pause: [1.1, 1.3], interval: [0.3, 0.5], band: "tight" };

/**
 * A very slow link (typical delays of 9.5-10 ms, up to 40 ms) with a short pause (16-22 ms) and
 * spike (40-44 ms), heartbeats every 12-16 ms, and a band from the longest silence (66-78 ms) to a
 * tenth above it and less than 1 ms more (`narrow`): narrower than one typical delay. The middle
 * of a band whose latest timeout allows the last heartbeat only its 99th-percentile delay (3
 * typical) is then past the latest timeout, and a 10% margin on a silence that counts the delay
 * after waking at 3 typical delays falls below the real silence.
 */
const NARROW_SLOW_LINK: ProfileTimes = { spike: [40, 44], pause: [0.4, 0.5], interval: [0.3, 0.35], typical: [9.5, 10], band: "narrow" };

/**
 * A long pause (1.1-1.3 spikes of 300-400 ms) with the tight budget of `TIGHT_LINK`, typical
 * delays of 0.5-2 ms and heartbeats every 2.5-3.5% of the spike (7.5-14 ms, 71-133 a second): an
 * interval well under a tenth of the timeout, and a band (a tenth of the silence and 2 ms more)
 * narrower than twice the excess of a tenth of the timeout over an interval. Heartbeats every
 * tenth of the timeout (etcd's 100 ms against 1,000 ms), slower than the budget needs, while the
 * silence counts the budget's interval, then leave the middle of the band below the real silence.
 * Every other kind has an interval over a tenth of the timeout, or a band a third of it or more.
 * Three pauses of a run of 200 intervals stay 60 intervals apart, longer than the pause. (20% on
 * the pause alone is past the latest timeout on every such link, and 10% on the silence fits.)
 */
const MANY_BEATS_TIGHT_LINK: ProfileTimes = { spike: [300, 400], pause: [1.1, 1.3], interval: [0.025, 0.035], typical: [0.5, 2], band: "tight" };

/**
 * A fast link (typical delays of 0.66-0.71 ms, 4 of them 2.64-2.84 ms) with a short pause (5 or 6
 * ms) at least as long as the spike (1 ms to the pause), heartbeats every 2 ms (500 a second), and
 * a band of 1.1 ms (`WHOLE_MS_BAND_MS`): a silence of 9.64-10.84 ms, 0.64-0.84 ms over a whole ms,
 * so that the band is a tenth of it and a little more. (Three intervals, 6 ms, are then below the
 * silence, and 20% on the pause alone too, but above an interval and 4 typical delays, so that
 * neither fails over in a random run with the leader alive, on every such link.) The middle of the band
 * rounded up to whole ms is then the second whole ms after the silence, 1.16-1.36 ms over it and
 * past the latest timeout, and so is 5% on the silence rounded up (at least 0.38 ms, which takes it
 * past the first); a fixed margin of 1.2 ms on the silence is past the latest too, and 1.2 ms under
 * the latest is below the silence. A 10% margin, or 1 ms under the latest, still fits. Every other
 * kind's band is 1.2 ms or more, and where it is under 2 ms (the fast kinds) its middle rounded up
 * fits on some links.
 */
function wholeMsLink(rng: Rng): LinkProfile {
  const typicalDelayMs = (66 + randomInt(rng, 6)) / 100;
  const gcPauseMs = 5 + randomInt(rng, 2);
  const spikeDelayMs = 1 + randomInt(rng, gcPauseMs);
  const profile = { typicalDelayMs, spikeDelayMs, gcPauseMs, heartbeatsPerSecMax: 500, outageBudgetMs: 0 };
  // Hundredths of a ms: 8 typical delays, the pause, the interval and the band are all whole hundredths.
  profile.outageBudgetMs = Math.round((longestSilenceMs(profile) + WHOLE_MS_BAND_MS + 4 * typicalDelayMs) * 100) / 100;
  return profile;
}

/** The band of safe timeouts of `wholeMsLink`, ms. */
const WHOLE_MS_BAND_MS = 1.1;

/**
 * A fast link (typical delays of 0.5-0.9 ms, so 4 of them are 2-3.6 ms) with a short pause (7-9
 * ms) at least as long as the spike (7-8 ms) and heartbeats every 3.003 or 4.016 ms (333 or 249 a
 * second: just over a whole ms): a silence of 12-16.6 ms, the pause's, and a band of a tenth of
 * that rounded up to a quarter of a millisecond (`fine`): 1.2-1.9 ms. A setting that takes delays
 * under a millisecond as negligible (or rounds them down to whole ms) outlasts only the pause and
 * an interval, and a 10% margin on that (at most 1.3 ms) does not cover the delay after waking;
 * one that rounds 0.5-0.9 ms up to 1 ms, with that margin, is past the latest timeout; so is a
 * fixed margin of 2 ms on the silence, and 2 ms under the latest timeout is below the silence. A
 * setting that heartbeats every whole ms (`Math.ceil`) but counts the silence with the budget's
 * interval misses almost a millisecond of it, more than half the band: the middle of its band is
 * below the real silence. A margin of 10%, or 1 ms under the latest, still fits.
 */
const SHORT_PAUSE_FAST_LINK: ProfileTimes = { spike: [7, 8], pause: [1, 1.15], rates: [333, 249], typical: [0.5, 0.9], band: "fine" };

/**
 * A fast link (typical delays of 0.8-0.9 ms) with a short spike (10-11 ms) longer than the pause
 * (2-4 ms), the slowest delay after waking and a millisecond together, heartbeats every 3.003,
 * 4.016 or 5.025 ms (333, 249 or 199 a second), and the fine band of `SHORT_PAUSE_FAST_LINK`
 * (1.3-1.9 ms, under 4 typical delays): the middle of a band that takes delays under a
 * millisecond as negligible on both sides (in the silence, and in the last heartbeat's delay
 * before the budget) is 2 typical delays late, past the latest timeout. Heartbeats every whole ms
 * with the silence counted at the budget's interval fail the spike as the other kind's pause (and
 * not the pause here: it is shorter than the spike by more than they miss); margins of 2 ms fail
 * as there.
 */
const SHORT_SPIKE_FAST_LINK: ProfileTimes = { spike: [10, 11], pause: [0.2, 0.4], rates: [333, 249, 199], typical: [0.8, 0.9], band: "fine" };

/**
 * A slow link (typical delays of 5-5.5 ms) with a short spike (24-26 ms) at least as long as the
 * pause (1-2 ms) and the slowest delay after waking together, heartbeats every 30-35% of the
 * spike, and the narrow band of `NARROW_SLOW_LINK`: the silence is the spike plus an interval,
 * 31-35 ms, and the band a tenth of that, rounded up, under 4.6 ms: narrower than a typical delay
 * and than 5 ms. The middle of a band whose silence adds a typical delay to the spike (a spiked
 * heartbeat's delay is the spike itself) is then past the latest timeout, and so is a margin of
 * 5 ms on the silence. Every other kind has the spike shorter than the pause and the delay after
 * waking, or a band wider than a typical delay; only the fast kinds (`SHORT_PAUSE_FAST_LINK`,
 * `SHORT_SPIKE_FAST_LINK`) have one under 5 ms.
 */
const SHORT_SPIKE_SLOW_LINK: ProfileTimes = { spike: [24, 26], pause: [0.04, 0.07], interval: [0.3, 0.35], typical: [5, 5.5], band: "narrow" };

/**
 * A long spike (300-400 ms), a pause of a fifth to a third of it and heartbeats every 30-45% of it,
 * so that the spike is longer than the pause, 4 typical delays and an interval together, with the
 * tight budget of `TIGHT_LINK`. The silence is the spike plus an interval, and the band a tenth of
 * that and 2 ms more: the middle of a band whose silence counts the spike alone (without the
 * interval before the spiked heartbeat) falls at least 20 ms below the real silence. Every other
 * kind of link has the pause the longer, a band wide enough for that middle, or (the short spikes)
 * a spike so little longer than the pause and the delay after waking that it fails there on some
 * links only.
 */
const SPIKE_TIGHT_LINK: ProfileTimes = { spike: [300, 400], pause: [0.2, 0.35], interval: [0.3, 0.45], band: "tight" };

/**
 * Multiples of the spike for the pause and the heartbeat interval (at the budget's rate), and
 * optionally the spike's and the typical delay's ranges and a tight budget (`TIGHT_LINK`).
 */
interface ProfileTimes {
  pause: [number, number];
  interval?: [number, number];
  /** Heartbeat budgets (per second) to draw from, in place of `interval`. */
  rates?: readonly number[];
  spike?: [number, number];
  typical?: [number, number];
  band?: "wide" | "tight" | "narrow" | "fine";
}

/** A random link whose pause and heartbeat interval (at the budget's rate) are within these multiples of its spike. */
function profileWith(rng: Rng, times: ProfileTimes): LinkProfile {
  const spikeDelayMs = Math.round(between(rng, ...(times.spike ?? [50, 400])));
  const gcPauseMs = Math.round(spikeDelayMs * between(rng, ...times.pause));
  const heartbeatsPerSecMax = times.rates
    ? times.rates[randomInt(rng, times.rates.length)]
    : Math.max(1, Math.round(1000 / (spikeDelayMs * between(rng, ...(times.interval ?? [0.15, 0.8])))));
  const typicalDelayMs = Math.round(between(rng, ...(times.typical ?? [0.5, 5])) * 10) / 10;
  const profile = { typicalDelayMs, spikeDelayMs, gcPauseMs, heartbeatsPerSecMax, outageBudgetMs: 0 };
  // Detection takes the timeout plus the last heartbeat's delay (at most 4 typical delays).
  const silenceMs = longestSilenceMs(profile);
  const longestTimeoutMs = times.band === "tight" ? 1.1 * silenceMs + 2 : 1.5 * silenceMs;
  // A narrow band is rounded up, never down: a 10% margin on the silence always fits in it. A fine
  // one is rounded up to a quarter of a millisecond, so that it stays within 0.25 ms of that margin.
  const tenthOverMs = 1.1 * silenceMs + 4 * typicalDelayMs;
  if (times.band === "narrow") profile.outageBudgetMs = Math.ceil(tenthOverMs);
  else if (times.band === "fine") profile.outageBudgetMs = Math.ceil(4 * tenthOverMs) / 4;
  else profile.outageBudgetMs = Math.round(longestTimeoutMs + 4 * typicalDelayMs);
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

/**
 * The rule a setting breaks before any run can mean something, or null: a timeout no longer than
 * the heartbeat interval. The monitor then hears nothing for longer than the timeout between any
 * two heartbeats of a healthy leader on a calm link, and fails over again and again (a timeout
 * given in seconds, 0.375 for 375 ms, does this). Such a run is also made of failovers a few
 * microseconds apart, millions of them in a run of seconds, which the judge would simulate
 * (a timeout of 2 µs took 30-50 CPU-s and 2 GB per run, on its own time): judged here instead.
 */
export function checkTimeoutOverInterval(setting: DetectorSetting): Violation | null {
  // Compared as the runs take them, to 1/1024 ms.
  if (onTick(setting.timeoutMs) > onTick(setting.heartbeatMs)) return null;
  return {
    rule: "timeoutMs is longer than heartbeatMs",
    details: `heartbeats every ${setting.heartbeatMs} ms, timeout ${setting.timeoutMs} ms: between any two heartbeats of a healthy leader the monitor hears nothing for longer than the timeout, and fails over again and again (both settings are in milliseconds)`,
    got: setting,
  };
}

const round = (x: number) => Math.round(x * 100) / 100;

/** Runs one kind of run and returns the rule broken, or null. */
export function judgeRun(kind: RunKind, p: LinkProfile, setting: DetectorSetting, seed: number, record: (label: string, value: unknown) => void): Violation | null {
  const unrunnable = checkTimeoutOverInterval(setting);
  if (unrunnable) return unrunnable;
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

// ---------------------------------------------------------------------------- worst moments

/** The shortest delay a heartbeat can have on the grid: "arrived at once". */
const FASTEST = 1 / TICK;

/**
 * One fault placed against the submission's own heartbeat cycle:
 * - "pause": the leader pauses for exactly gcPauseMs, starting `leadTicks` before heartbeat
 *   `beat` is due; the last heartbeat before it arrived at once (or after `beforeTicks`, at most
 *   the longer of a spike and 4 typical delays: `beforeTicksOf`), the first one after waking
 *   takes `afterTicks`;
 * - "spike": heartbeat `beat` is delayed by `afterTicks` (up to spikeDelayMs), the one before it
 *   arrived at once;
 * - "crash": the leader crashes `leadTicks` after sending heartbeat `beat`, which takes
 *   `afterTicks` (up to 4 typical delays) to arrive.
 * Every time is on the 1/1024 ms grid. The worst case of each kind has leadTicks 1, beforeTicks 1
 * and afterTicks at its maximum.
 */
export interface Moment {
  kind: "pause" | "spike" | "crash";
  beat: number;
  leadTicks: number;
  beforeTicks: number;
  afterTicks: number;
}

/** The longest delay the link allows a heartbeat in a moment of this kind, in ticks. */
function longestTicks(p: LinkProfile, kind: Moment["kind"]): number {
  return Math.round((kind === "spike" ? p.spikeDelayMs : 4 * p.typicalDelayMs) * TICK);
}

/**
 * The delay of the heartbeat before the fault, in ticks, as the link allows it: at most the longer
 * of a spike and 4 typical delays. The search draws up to 20 ms, more than the spike of a fast link
 * (6 or 12 ms): uncapped, a heartbeat held that long was a spike the link cannot have, and failed
 * the reference (a pause moment on the fast link with a short spike, the one before it 17 ms late).
 */
function beforeTicksOf(p: LinkProfile, m: Moment): number {
  return Math.min(m.beforeTicks, Math.round(Math.max(p.spikeDelayMs, 4 * p.typicalDelayMs) * TICK));
}

/** The worst moment of each kind for this profile: the fault right at the edge of the heartbeat cycle. */
export function worstMoments(p: LinkProfile): Moment[] {
  return (["pause", "spike", "crash"] as const).map((kind) => ({ kind, beat: 3, leadTicks: 1, beforeTicks: 1, afterTicks: longestTicks(p, kind) }));
}

/**
 * The run of one moment: heartbeats arrive at once but for the ones the moment delays (a `slow`
 * fault on the leader one tick long, at the moment a heartbeat is sent, multiplies its delay),
 * and the run lasts until well after any failover would have happened.
 */
export function momentRun(p: LinkProfile, setting: DetectorSetting, m: Moment): SimConfig {
  const hb = onTick(setting.heartbeatMs);
  const timeout = onTick(setting.timeoutMs);
  const beat = Math.max(1, Math.round(m.beat));
  const sentAt = beat * hb;
  const faults: Fault[] = [];
  const delayAt = (atMs: number, ticks: number) => {
    if (ticks > 1) faults.push({ node: "L", kind: "slow", fromMs: atMs, toMs: atMs + FASTEST, factor: ticks });
  };
  const lead = Math.max(1, Math.min(m.leadTicks, Math.round(hb * TICK) - 1)) / TICK;
  // The longest the monitor can hear nothing in this run, the fault included (a pause, the
  // delays around it and two intervals; or a spike and two intervals), with room to spare. A
  // timeout longer than that never fires here, so the run need not outlast it: waiting out a
  // timeout of days (1e9 ms) at 100 ms heartbeats was ten million heartbeats to simulate, a
  // minute and a gigabyte of the judge's time per moment.
  const beforeTicks = beforeTicksOf(p, m);
  const quietMs = Math.min(timeout, p.gcPauseMs + p.spikeDelayMs + 4 * p.typicalDelayMs + beforeTicks / TICK + 2 * hb);
  let endMs: number;
  const config: SimConfig = {
    seed: 1,
    followers: 2,
    failover: { detector: { heartbeatMs: hb, timeoutMs: timeout, delayMs: constant(FASTEST) } },
    recordHistory: true,
  };
  if (m.kind === "pause") {
    const fromMs = sentAt - lead;
    const wake = fromMs + p.gcPauseMs;
    delayAt(sentAt - hb, beforeTicks);
    faults.push({ node: "L", kind: "pause", fromMs, toMs: wake });
    delayAt(wake, Math.min(m.afterTicks, longestTicks(p, "pause")));
    endMs = wake + quietMs + hb;
  } else if (m.kind === "spike") {
    delayAt(sentAt - hb, beforeTicks);
    delayAt(sentAt, Math.min(m.afterTicks, longestTicks(p, "spike")));
    endMs = sentAt + p.spikeDelayMs + quietMs + hb;
  } else {
    delayAt(sentAt, Math.min(m.afterTicks, longestTicks(p, "crash")));
    config.failover!.crashLeader = { atMs: sentAt + lead };
    endMs = sentAt + lead + 3 * p.outageBudgetMs;
  }
  config.faults = faults;
  // Writes only keep the run going until endMs (the verdict reads the failovers): at most
  // MOMENT_WRITES_MAX of them, so that a setting of hours (heartbeatMs 4e7) is not millions of
  // writes for the judge to simulate. Runs up to 100 s, which any sensible setting stays far
  // below, keep their 20 writes/s.
  config.workload = { writesPerSec: Math.min(20, (MOMENT_WRITES_MAX * 1000) / Math.ceil(endMs)), durationMs: Math.ceil(endMs) };
  return config;
}

const MOMENT_WRITES_MAX = 2_000;

/** Words for a moment, for feedback. */
export function describeMoment(p: LinkProfile, setting: DetectorSetting, m: Moment): string {
  const hb = onTick(setting.heartbeatMs);
  const sentAt = Math.max(1, Math.round(m.beat)) * hb;
  const ms = (x: number) => `${round(x)} ms`;
  const lead = Math.max(1, m.leadTicks) / TICK;
  if (m.kind === "pause") {
    return `a ${p.gcPauseMs} ms pause from ${ms(sentAt - lead)}, ${ms(lead)} before a heartbeat was due; the heartbeat before it arrived after ${ms(beforeTicksOf(p, m) / TICK)}, the first after waking after ${ms(Math.min(m.afterTicks, longestTicks(p, "pause")) / TICK)}`;
  }
  if (m.kind === "spike") return `the heartbeat sent at ${ms(sentAt)} delayed by ${ms(Math.min(m.afterTicks, longestTicks(p, "spike")) / TICK)}, the one before it arriving after ${ms(beforeTicksOf(p, m) / TICK)}`;
  return `a crash at ${ms(sentAt + lead)}, ${ms(lead)} after a heartbeat was sent, which took ${ms(Math.min(m.afterTicks, longestTicks(p, "crash")) / TICK)} to arrive`;
}

/** Judges a setting at one moment: no failover of a live leader, or a crash replaced within the budget. */
export function judgeMoment(p: LinkProfile, setting: DetectorSetting, m: Moment, record: Recorder): Violation | null {
  const unrunnable = checkTimeoutOverInterval(setting);
  if (unrunnable) return unrunnable;
  const run = simulate(momentRun(p, setting, m));
  record("moment", describeMoment(p, setting, m));
  const f = run.failover;
  record("failover", f);
  const mine = `heartbeats every ${round(setting.heartbeatMs)} ms, timeout ${round(setting.timeoutMs)} ms`;
  if (m.kind !== "crash") {
    if (f.spuriousFailovers === 0) return null;
    const suspected = run.history.events.find((e) => e.kind === "suspect");
    return {
      rule: m.kind === "pause" ? "no failover while the leader is only paused (gcPauseMs)" : "no failover while the leader is alive but its heartbeats are delayed by a latency spike",
      details:
        m.kind === "pause"
          ? `with ${mine}, ${describeMoment(p, setting, m)}: the monitor heard nothing from the last heartbeat before the pause to the first one after it (the time since that heartbeat arrived, the pause itself, and the first heartbeat's delay after waking), longer than the timeout, and failed over at ${round(suspected?.atMs ?? NaN)} ms`
          : `with ${mine}, ${describeMoment(p, setting, m)}: the spike held back the heartbeats behind it, so the monitor heard nothing for the spike plus one interval, and failed over at ${round(suspected?.atMs ?? NaN)} ms`,
      got: f.spuriousFailovers,
      want: 0,
    };
  }
  if (f.failovers >= 1 && f.outageMs <= p.outageBudgetMs) return null;
  return {
    rule: `a crashed leader is replaced within the outage budget (${p.outageBudgetMs} ms)`,
    details:
      f.failovers === 0
        ? `the crash was never detected with ${mine}`
        : `with ${mine}, ${describeMoment(p, setting, m)}: the outage lasted ${round(f.outageMs)} ms, the timeout counted from that last heartbeat's arrival plus its delay`,
    got: round(f.outageMs),
    want: `<= ${p.outageBudgetMs}`,
  };
}

/** The text's example link. */
export const TEXT_EXAMPLE: LinkProfile = { typicalDelayMs: 2, spikeDelayMs: 200, gcPauseMs: 150, heartbeatsPerSecMax: 10, outageBudgetMs: 458 };

/** The public links, each aimed at a mistake (the public worst-moment test, and the search's first cases). */
export const HAND_MADE_LINKS: readonly { label: string; profile: LinkProfile }[] = [
  { label: "the text's example link", profile: TEXT_EXAMPLE },
  { label: "a pause longer than any spike", profile: { typicalDelayMs: 3, spikeDelayMs: 100, gcPauseMs: 240, heartbeatsPerSecMax: 20, outageBudgetMs: 450 } },
  { label: "a spike longer than any pause", profile: { typicalDelayMs: 1, spikeDelayMs: 300, gcPauseMs: 90, heartbeatsPerSecMax: 8, outageBudgetMs: 650 } },
  { label: "slow heartbeats on a slow link", profile: { typicalDelayMs: 5, spikeDelayMs: 80, gcPauseMs: 120, heartbeatsPerSecMax: 5, outageBudgetMs: 520 } },
  { label: "a short pause on a slow link, with a tight outage budget", profile: { typicalDelayMs: 5, spikeDelayMs: 50, gcPauseMs: 60, heartbeatsPerSecMax: 40, outageBudgetMs: 138 } },
  // The band of safe timeouts is a tenth of the silence and a little more: 10% off the latest timeout falls below the silence.
  { label: "a long pause with a tight outage budget", profile: { typicalDelayMs: 5, spikeDelayMs: 300, gcPauseMs: 330, heartbeatsPerSecMax: 10, outageBudgetMs: 517 } },
  // The band is narrower than one typical delay, and the first heartbeat after waking is half the pause.
  { label: "a very slow link, a short pause and a band narrower than a typical delay", profile: { typicalDelayMs: 10, spikeDelayMs: 45, gcPauseMs: 20, heartbeatsPerSecMax: 50, outageBudgetMs: 129 } },
  // The spike outlasts the pause and the delay after waking by far, and the band is a tenth of the silence: a silence counting the spike without the interval before it puts the middle of the band 40 ms too early.
  { label: "a spike longer than any pause, with a tight outage budget", profile: { typicalDelayMs: 1, spikeDelayMs: 300, gcPauseMs: 90, heartbeatsPerSecMax: 8, outageBudgetMs: 474 } },
  // The spike outlasts the pause and the delay after waking, on a slow link, and the band (40-44 ms) is narrower than a typical delay: a
  // silence that adds a typical delay to the spike (a spiked heartbeat's delay is the spike) puts the middle of the band, and a margin of 5 ms the timeout, past the latest.
  { label: "a short spike on a slow link, with a band narrower than a typical delay", profile: { typicalDelayMs: 5, spikeDelayMs: 30, gcPauseMs: 5, heartbeatsPerSecMax: 100, outageBudgetMs: 64 } },
  // A long pause, heartbeats every 10 ms and a tight budget: silence 374 ms, band 374-413 ms. Heartbeats every tenth of the middle
  // (39.35 ms) while the silence counts 10 ms make the real silence 403.35 ms, past that middle (393.5 ms).
  { label: "a long pause, many heartbeats a second and a tight outage budget", profile: { typicalDelayMs: 1, spikeDelayMs: 300, gcPauseMs: 360, heartbeatsPerSecMax: 100, outageBudgetMs: 417 } },
];

/**
 * Public links with sub-millisecond delays and silences of 12, 16 and 9.6 ms, whose bands of safe
 * timeouts (1.25, 2 and 1.1 ms) are narrower than any of `HAND_MADE_LINKS`: a margin of 1 ms or 10%
 * fits, 1.2 ms or more does not, nor a timeout rounded up to whole ms. Judged with them in the
 * public worst-moment test and first in the search.
 */
export const FAST_LINKS: readonly { label: string; profile: LinkProfile }[] = [
  // Silence 12 ms (pause 7, 4 delays of 0.5, interval 3.003), band 12-13.25 ms, as narrow as the fast kinds' narrowest: taking
  // the delays as negligible, or rounding them to whole ms, with a 10% margin, fails the pause (11 ms) or the budget (15.4 ms);
  // so does any fixed margin over 1.25 ms either side, and the middle of the band (12.63 ms) with heartbeats every 4 ms, whose
  // silence is 13 ms.
  { label: "a fast link with a short pause and a band of 1.25 ms", profile: { typicalDelayMs: 0.5, spikeDelayMs: 6, gcPauseMs: 7, heartbeatsPerSecMax: 333, outageBudgetMs: 15.25 } },
  // Silence 16 ms (spike 12, interval 4), band 16-18 ms: the middle of a band that drops the delays under a millisecond on
  // both sides is 18.5 ms, past the latest timeout; so is a margin of 3 ms, and 3 ms under the latest is below the silence.
  { label: "a fast link with a short spike and a band under 4 typical delays", profile: { typicalDelayMs: 0.75, spikeDelayMs: 12, gcPauseMs: 5, heartbeatsPerSecMax: 250, outageBudgetMs: 21 } },
  // Silence 9.6 ms (pause 5, 4 delays of 0.65, interval 2), band 9.6-10.7 ms: a tenth of the silence and a little more, so
  // that a 10% margin and 1 ms under the latest timeout both fit. Its middle (10.15 ms) rounded up to whole ms is 11, past the
  // latest, and so is 5% on the silence rounded up (10.08 ms); so is a fixed margin of 1.2 ms on the silence, and 1.2 ms under
  // the latest is below it. Rounded up, a middle is past the latest only when it is less than 1 ms less half the band over a
  // whole ms (here 0.15 ms, against 0.45): no other link's is, and no other band is under 1.2 ms.
  { label: "a fast link with a band of 1.1 ms whose middle is just over a whole ms", profile: { typicalDelayMs: 0.65, spikeDelayMs: 4, gcPauseMs: 5, heartbeatsPerSecMax: 500, outageBudgetMs: 13.3 } },
];

/** Every public link: the hand-made ones, then the fast ones. */
export const PUBLIC_LINKS: readonly { label: string; profile: LinkProfile }[] = [...HAND_MADE_LINKS, ...FAST_LINKS];

/** Asks for a setting; returns it, or the rule the answer itself breaks. */
export async function askSetting(answer: StudentCode<typeof Exercise>, p: LinkProfile, record: Recorder): Promise<DetectorSetting | Violation> {
  record("link", p);
  const setting = await answer.call("chooseDetector", p);
  record("setting", setting);
  return checkSetting(p, setting) ?? (setting as unknown as DetectorSetting);
}

/** The worst moment of each kind, against the setting the submission chose for `p`: the first rule broken. */
export async function judgeWorstMoments(answer: StudentCode<typeof Exercise>, p: LinkProfile, record: Recorder): Promise<Violation | null> {
  const setting = await askSetting(answer, p, record);
  if ("rule" in setting) return setting;
  for (const m of worstMoments(p)) {
    const broken = judgeMoment(p, setting, m, record);
    if (broken) return broken;
  }
  return null;
}

/** A candidate of the search: a link profile (from a seed) and one moment against the setting chosen for it. */
export interface DetectorCandidate {
  profileSeed: number;
  moment: Moment;
}

/** The search over links and moments: fault kinds, heartbeats, phases and delays, the worst ones first. */
export function detectorSearch(answer: StudentCode<typeof Exercise>, tries: number, seed: number): Hunt<DetectorCandidate> {
  const settings = new Map<number, DetectorSetting | Violation>();
  // Profile seeds 0 to 12 are the public links (0 the text's example), so the search always
  // begins at their worst moments: a mistake they show fails the search under every secret, not
  // only when a random link happens to show it too. Larger seeds draw a random link.
  const profileOf = (profileSeed: number) => (profileSeed < PUBLIC_LINKS.length ? PUBLIC_LINKS[profileSeed].profile : randomProfile(profileSeed));
  const moment = fc.record({
    kind: fc.constantFrom<Moment["kind"]>("pause", "spike", "crash"),
    beat: fc.integer({ min: 1, max: 40 }),
    // The edges of the cycle are where the worst cases are: one tick from a heartbeat, or anywhere.
    leadTicks: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 1024 * 1000 })),
    beforeTicks: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 1024 * 20 })),
    afterTicks: fc.oneof(fc.constant(1024 * 1024), fc.integer({ min: 1, max: 1024 * 1024 })),
  });
  return {
    space: fc.record({ profileSeed: fc.oneof(fc.constant(0), fc.noShrink(fc.integer({ min: 1, max: 2 ** 31 - 1 }))), moment }),
    first: [...PUBLIC_LINKS.keys(), seed].flatMap((profileSeed) => worstMoments(profileOf(profileSeed)).map((m) => ({ profileSeed, moment: m }))),
    tries,
    shrinkTries: 30,
    describe: (k) => ({ link: profileOf(k.profileSeed), moment: k.moment }),
    judge: async (k, record) => {
      const p = profileOf(k.profileSeed);
      let setting = settings.get(k.profileSeed);
      if (setting === undefined) settings.set(k.profileSeed, (setting = await askSetting(answer, p, () => {})));
      record("link", p);
      record("setting", setting);
      if ("rule" in setting) return setting;
      return judgeMoment(p, setting, k.moment, record);
    },
  };
}

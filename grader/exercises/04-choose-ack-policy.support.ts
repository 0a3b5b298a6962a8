/**
 * Exercise 04's judge: the three services as simulated clusters, and their targets checked on a
 * normal run (commit latency) and on a crash run (acknowledged writes lost on failover).
 *
 * A policy is never compared with "the" answer: it is simulated, and the feedback says which
 * target it missed and by how much. The clusters here are the grader's own copy of what the
 * exercise's documentation describes.
 */
import { constant, exponential, lostWrites, policyName, shifted, simulate } from "../../lib";
import type { AckPolicy, Fault, FollowerConfig, RunResult, ScriptedOp, SimConfig, Violation as CheckerViolation, WriteOp } from "../../lib";
import { randomInt, stream } from "../../lib/rng";
import fc from "fast-check";
import type { Recorder, Violation } from "../graded";
import type { ShownSearch } from "../search/search-test";
import { shrinkList } from "../search/shrink";

export type ServiceName = "ledger" | "metrics" | "accounts";
export const SERVICE_NAMES: ServiceName[] = ["ledger", "metrics", "accounts"];

/** A service: its cluster, its load, its targets, and the failure its loss target is about. */
export interface Service {
  name: ServiceName;
  followers: FollowerConfig[];
  writesPerSec: number;
  /** Target: the 99th percentile of commit latency, over every write of a normal run. */
  commitLatencyMsP99Max: number;
  /** Target: acknowledged writes lost on a failover (0: none may be lost). */
  lostWritesMax: number;
  /** The failure the loss target is about, in words, for feedback. */
  crash: string;
  /** Faults of a normal run (planned maintenance). */
  normalFaults(): Fault[];
  /**
   * The failure the loss target is about, besides the leader's crash, for a crash at `crashAtMs`:
   * the faults the text states (ledger: A crashing with L; accounts: both maintenance windows). A
   * crash run always has them all, a shrunk one too (`shrinkCrashCase` removes only faults besides
   * them), and the followers they take down are not among the survivors (`survivorsAt`).
   */
  crashFaults(crashAtMs: number): Fault[];
  /** When the leader may crash at random: moments in [fromMs, toMs) of one of these windows. */
  crashWindowsMs: { fromMs: number; toMs: number }[];
  /**
   * True when the text lets the failure come at any moment of the run ("at a random moment":
   * ledger, metrics), false when it confines it to windows it states (accounts: inside a
   * maintenance window). Random crashes keep to `crashWindowsMs` either way; a slowdown built
   * from a fallback (`slowedSurvivors`) runs to `LATEST_CRASH_MS` where this is true, and the
   * crash may then come anywhere in it.
   */
  crashAnyMoment: boolean;
  /**
   * Where the text confines the crash to windows (accounts): the slowdown a policy with a
   * fallback gets (`slowedSurvivors`), `factor` times slower, in place of one built from the
   * windows.
   */
  fallbackSlowdown?(factor: number, seed: number, ack: AckPolicy, quietFromMs?: number): Fault[];
  /** With `fallbackSlowdown`: windows where the run with that slowdown generates no writes (`Pause`). */
  fallbackPauses?(slowdown: Fault[], quietFromMs?: number): Pause[];
  /**
   * With `fallbackSlowdown`: when the edge moment (`edgeMomentOf`) stops generating writes, a
   * little before the follower back from maintenance returns, so that it holds every write as it
   * comes back and its slowdown starts as it returns, whatever the seed's delays.
   */
  edgeQuietFromMs?: number;
}

/**
 * A window of a moment's run with no generated writes (a burst of 0 writes/s): accounts' follower
 * A catches up after its maintenance with nothing new in flight, so that the first write it is
 * slow to confirm is the one sent as its slowdown starts, on every seed.
 */
export interface Pause {
  fromMs: number;
  toMs: number;
}

const both = (d: ReturnType<typeof exponential>) => ({ toFollowerMs: d, toLeaderMs: d });

/** Planned maintenance on "accounts": each follower in turn is down for 300 ms. */
const MAINTENANCE: Fault[] = [
  { node: "A", kind: "crash", fromMs: 200, toMs: 500 },
  { node: "B", kind: "crash", fromMs: 700, toMs: 1000 },
];

/**
 * How long A, back from maintenance with no new writes sent, is watched for catching up
 * (`caughtUpAfterMaintenance`): it takes 0-4 ms (0 when what it missed arrives as it returns;
 * 500.0-503.9 ms over 400 seeds, median 500.9).
 */
const CATCH_UP_WATCH_MS = 20;

/**
 * Accounts' slowdown for a policy with a fallback: each follower slow while it is up between the
 * first maintenance and the last crash window, from when it holds every write the other one
 * confirmed: B from A's maintenance until its own, A from just after it has caught up (as the
 * text says: the moment it held every write sent before it came back, found by a run of the
 * seed, `caughtUpAfterMaintenance`) until B's crash window ends. Until A is back, B (the survivor
 * of a crash in A's window) confirms nothing in time, and from then on neither does A (the
 * survivor of a crash in B's window): a fallback to async fires for the writes of either, and
 * once it has fired the leader stays async, since no follower catches up with the whole log
 * again. A policy that waits for a copy waits instead: every write acknowledged by then is on A,
 * which caught up after its maintenance at full speed. So a fallback fires inside B's crash window
 * (750-950 ms) for any timeout shorter than 950 ms less the moment A caught up (a write is sent
 * the moment A's slowdown starts: `slowdownOpening`), 450 ms on a seed where A caught up as it
 * returned, and one of 450 ms or more never in a window the text allows a crash in. While A
 * catches up no writes are generated (`accountsFallbackPauses`): a write sent just before A's
 * slowdown and not yet confirmed by A would be slowed too. The slowdown used to start 10 ms after
 * A's return whatever the seed, and a fallback of 440-449.9 ms, which fires in B's window on a
 * seed where A catches up fast, passed on every seed.
 */
function accountsFallbackSlowdown(service: Service, factor: number, seed: number, ack: AckPolicy, quietFromMs = MAINTENANCE[0].toMs!): Fault[] {
  const [a, b] = MAINTENANCE;
  const bSlow: Fault = { node: b.node, kind: "slow", fromMs: a.fromMs, toMs: b.fromMs, factor };
  const caughtUp = caughtUpAfterMaintenance(service, ack, seed, bSlow, quietFromMs);
  // Just after, to the microsecond: A's acknowledgements of what it caught up with go at full speed.
  const fromMs = Math.floor(caughtUp * 1000 + 1) / 1000;
  return [bSlow, { node: a.node, kind: "slow", fromMs, toMs: 950, factor }];
}

/**
 * When A, back from its maintenance with no writes generated since (since `quietFromMs`), has
 * applied every write sent before it came back, in the run of `seed` with `ack` and B slowed as
 * `bSlow`: the run with the whole slowdown is the same up to then (`grader/search/aims.test.ts`
 * checks it); at most `CATCH_UP_WATCH_MS` after A's return.
 */
function caughtUpAfterMaintenance(service: Service, ack: AckPolicy, seed: number, bSlow: Fault, quietFromMs: number): number {
  const back = MAINTENANCE[0].toMs!;
  const until = back + CATCH_UP_WATCH_MS;
  const normal = normalRun(service, ack, seed);
  // The write sent as B's slowdown starts too (`slowdownOpening`): it takes its share of the
  // network's delays, and without it A's catch-up would be another run's.
  const workload = { ...normal.workload, durationMs: until, ...scripted(slowdownOpening(ack, [bSlow])), ...paused([{ fromMs: quietFromMs, toMs: until }]) };
  const run = simulate({ ...normal, workload, faults: [...service.normalFaults(), bSlow] });
  const applied = run.writes.appliedMs[run.followers.indexOf(MAINTENANCE[0].node)];
  let at = back;
  for (let i = 0; i < run.writes.count; i++) if (run.writes.invokeMs[i] < back && applied[i] > at) at = applied[i];
  return Math.min(at, until);
}

/** While A catches up after its maintenance (from `quietFromMs`), until its slowdown for a fallback starts, no writes are generated. */
function accountsFallbackPauses(slowdown: Fault[], quietFromMs = MAINTENANCE[0].toMs!): Pause[] {
  const aSlow = slowdown.find((f) => f.node === MAINTENANCE[0].node);
  return aSlow ? [{ fromMs: quietFromMs, toMs: aSlow.fromMs }] : [];
}

/**
 * How long before A's return from maintenance accounts' edge moment (`edgeMomentOf`) stops
 * generating writes. What was sent earlier reaches A while it is down (a one-way delay of 0.5 +
 * Exp(0.5) ms is over 10 ms about once in 10^8 messages), is held, and is delivered the instant A
 * is back: A has caught up as it returns, on every seed.
 */
const QUIET_BEFORE_RETURN_MS = 10;

export const SERVICES: Record<ServiceName, Service> = {
  ledger: {
    name: "ledger",
    followers: [
      { name: "A", ...both(exponential({ meanMs: 0.3 })) },
      { name: "B", ...both(shifted(2, exponential({ meanMs: 1 }))) },
      { name: "C", ...both(shifted(35, exponential({ meanMs: 5 }))) },
    ],
    writesPerSec: 2000,
    commitLatencyMsP99Max: 20,
    lostWritesMax: 0,
    crash: "the leader's zone fails: the leader and follower A crash together",
    normalFaults: () => [],
    crashFaults: (crashAtMs) => [{ node: "A", kind: "crash", fromMs: crashAtMs }],
    crashWindowsMs: [{ fromMs: 300, toMs: 900 }],
    crashAnyMoment: true,
  },
  metrics: {
    name: "metrics",
    followers: [
      { name: "A", ...both(shifted(1, exponential({ meanMs: 1 }))) },
      { name: "B", ...both(shifted(1, exponential({ meanMs: 1 }))) },
    ],
    writesPerSec: 4000,
    commitLatencyMsP99Max: 1,
    lostWritesMax: 100,
    crash: "the leader crashes",
    normalFaults: () => [],
    crashFaults: () => [],
    crashWindowsMs: [{ fromMs: 300, toMs: 900 }],
    crashAnyMoment: true,
  },
  accounts: {
    name: "accounts",
    followers: [
      { name: "A", ...both(shifted(0.5, exponential({ meanMs: 0.5 }))) },
      { name: "B", ...both(shifted(0.5, exponential({ meanMs: 0.5 }))) },
    ],
    writesPerSec: 3000,
    commitLatencyMsP99Max: 10,
    lostWritesMax: 0,
    crash: "the leader crashes while a follower is down for maintenance",
    normalFaults: () => MAINTENANCE,
    crashFaults: () => MAINTENANCE,
    // Inside either maintenance window: only one follower is up when the leader dies.
    crashWindowsMs: [
      { fromMs: 250, toMs: 450 },
      { fromMs: 750, toMs: 950 },
    ],
    crashAnyMoment: false,
    fallbackSlowdown: (factor, seed, ack, quietFromMs) => accountsFallbackSlowdown(SERVICES.accounts, factor, seed, ack, quietFromMs),
    fallbackPauses: accountsFallbackPauses,
    edgeQuietFromMs: MAINTENANCE[0].toMs! - QUIET_BEFORE_RETURN_MS,
  },
};

const RUN_MS = 1200;
/**
 * The latest crash moment of a run whose surviving followers are slowed from a fallback's own
 * timeout, where the failure may come at any moment (ledger): 10 ms before the normal run ends,
 * so that every write the prediction counts was sent in the normal run. A crash run goes on
 * generating writes for `AFTER_CRASH_MS` after its crash whatever the moment, so its failover
 * always has the time to finish. A fallback shorter than `LATEST_CRASH_MS` by more than the
 * leader's commit fires there before the crash on every seed (`slowedSurvivors`); one of
 * `LATEST_CRASH_MS` or more never fires before a crash, in any run.
 */
export const LATEST_CRASH_MS = RUN_MS - 10;
/** A crash run stops generating writes this long after the crash: the failover is over by then. */
const AFTER_CRASH_MS = 200;
const LEADER_COMMIT_MS = constant(0.1);

/** The cluster of `service` with `ack`, for a normal run on `seed`. */
export function normalRun(service: Service, ack: AckPolicy, seed: number): SimConfig {
  return {
    seed,
    followers: service.followers,
    ack,
    leaderCommitMs: LEADER_COMMIT_MS,
    workload: { writesPerSec: service.writesPerSec, durationMs: RUN_MS },
    faults: service.normalFaults(),
    recordHistory: false,
  };
}

/**
 * The same cluster with the leader crashing at a whole millisecond of the service's crash window.
 * The detector's heartbeats travel with a constant delay at whole-millisecond intervals, so that
 * every detector time is exact in floating point and detection never hinges on rounding.
 */
export function crashRun(
  service: Service,
  ack: AckPolicy,
  seed: number,
  crashAtMs = randomCrashMs(service, seed),
  extraFaults: Fault[] = [],
  extraWrites: ScriptedWrite[] = [],
  pauses: Pause[] = [],
): SimConfig {
  return {
    ...normalRun(service, ack, seed),
    workload: { writesPerSec: service.writesPerSec, durationMs: crashAtMs + AFTER_CRASH_MS, ...scripted(extraWrites), ...paused(pauses) },
    faults: [...service.crashFaults(crashAtMs), ...untilCrash(extraFaults, crashAtMs)],
    failover: {
      crashLeader: { atMs: crashAtMs },
      detector: { heartbeatMs: 8, timeoutMs: 40, delayMs: constant(0.5) },
      election: "most-up-to-date",
    },
    recordHistory: true,
  };
}

/**
 * A moment's slowdown ends when the leader crashes: what the crash loses is decided by then, and
 * a survivor still slow afterwards would be a slow new leader, whose late heartbeats have the
 * detector depose it for a follower that lacks what it acknowledged (ledger: B, then C; accounts:
 * A, then B back from maintenance), a loss no ack policy within the latency targets prevents.
 */
function untilCrash(faults: Fault[], crashAtMs: number): Fault[] {
  return faults.flatMap((f) => (f.kind !== "slow" || (f.toMs ?? Infinity) <= crashAtMs ? [f] : f.fromMs < crashAtMs ? [{ ...f, toMs: crashAtMs }] : []));
}

/** A write a moment adds to a run's generated ones (`CrashMoment.writes`). */
export type ScriptedWrite = Extract<ScriptedOp, { kind: "write" }>;

/** The workload field that adds `writes` to the generated ones; none when there are none, so that such a run is configured as it always was. */
const scripted = (writes: ScriptedWrite[]): { script?: ScriptedWrite[] } => (writes.length > 0 ? { script: writes } : {});

/** The workload field that pauses the generated writes in `pauses`; none when there are none. */
const paused = (pauses: Pause[]): { bursts?: { fromMs: number; toMs: number; writesPerSec: number }[] } =>
  pauses.length > 0 ? { bursts: pauses.map((p) => ({ fromMs: p.fromMs, toMs: p.toMs, writesPerSec: 0 })) } : {};

/** The seed's crash moment: a whole millisecond of the service's crash window. */
export function randomCrashMs(service: Service, seed: number): number {
  const windows = service.crashWindowsMs;
  const total = windows.reduce((sum, w) => sum + w.toMs - w.fromMs, 0);
  let at = randomInt(stream(seed, "04/crash"), total);
  for (const w of windows) {
    if (at < w.toMs - w.fromMs) return w.fromMs + at;
    at -= w.toMs - w.fromMs;
  }
  throw new Error("unreachable: the offset lies in one of the windows");
}

/** The 99th percentile of commit latency over every write; a write never acknowledged counts as infinitely slow. */
export function commitLatencyP99(run: ReturnType<typeof simulate>): number {
  const w = run.writes;
  const latencies = new Float64Array(w.count);
  for (let i = 0; i < w.count; i++) latencies[i] = w.ackMs[i] - w.invokeMs[i];
  latencies.sort();
  return latencies.length === 0 ? 0 : latencies[Math.min(latencies.length - 1, Math.ceil(0.99 * latencies.length) - 1)];
}

export interface ServiceOutcome {
  commitLatencyMsP99: number;
  unacknowledged: number;
  lostWrites: number;
  /** The first few lost writes, as the lost-writes checker explains them. */
  lostExamples: string[];
}

/**
 * Runs `service` with `ack` on `seed`: a normal run and a crash run (handed to `onCrash` with its
 * lost writes), the crash run with `extraFaults` besides the service's own (a moment's `faults`).
 */
export function runService(
  service: Service,
  ack: AckPolicy,
  seed: number,
  onCrash?: (run: RunResult, lost: CheckerViolation[]) => void,
  crashAtMs?: number,
  extraFaults: Fault[] = [],
  extraWrites: ScriptedWrite[] = [],
  pauses: Pause[] = [],
): ServiceOutcome {
  const normal = simulate(normalRun(service, ack, seed));
  let unacknowledged = 0;
  for (let i = 0; i < normal.writes.count; i++) if (normal.writes.ackMs[i] === Infinity) unacknowledged++;
  const crash = simulate(crashRun(service, ack, seed, crashAtMs, extraFaults, extraWrites, pauses));
  const lost = lostWrites(crash.history);
  onCrash?.(crash, lost);
  return {
    commitLatencyMsP99: commitLatencyP99(normal),
    unacknowledged,
    lostWrites: lost.length,
    lostExamples: lost.slice(0, 3).map((v) => v.message),
  };
}

const ms = (x: number) => (x === Infinity ? "never (writes stalled)" : `${Math.round(x * 100) / 100} ms`);

// ---------------------------------------------------------------------------- the worst moment

/** A crash moment chosen for a policy, and why. */
export interface CrashMoment {
  seed: number;
  crashAtMs: number;
  /** Acknowledged writes no surviving follower had received at that moment, in the run without the crash. */
  atRisk: number;
  /** How long the surviving copy of the nearest write had existed at that moment (0 when a write was exposed). */
  marginMs: number;
  why: string;
  /** Faults of the run besides the service's own (the surviving followers slowed), if any. */
  faults?: Fault[];
  /** Writes of the run besides the generated ones (one sent as a slowdown built from a fallback starts: `slowdownOpening`), if any. */
  writes?: ScriptedWrite[];
  /** Windows of the run with no generated writes (`Service.fallbackPauses`), if any. */
  pauses?: Pause[];
}

/** Followers that are up and not taken down by the failure when the leader crashes at `t`. */
function survivorsAt(service: Service, t: number): number[] {
  const down = new Set(service.crashFaults(t).filter((f) => f.kind === "crash" && f.fromMs <= t && (f.toMs === undefined || t < f.toMs)).map((f) => f.node));
  return service.followers.flatMap((f, i) => (down.has(f.name ?? "") ? [] : [i]));
}

/**
 * The moments of the crash windows (`windowsMs`: the service's own unless given) worst for `ack`
 * on `seed`, most exposed first: the run without the crash (the same writes, delays and
 * acknowledgements up to any moment) says, for each acknowledged write, from when it was
 * acknowledged until a follower that survives the failure received it. A crash just after an acknowledgement, while the most such writes are exposed,
 * loses them all. A policy that never exposes a write gets the moments of its closest calls: the
 * crash just after the acknowledgement that came nearest to a surviving copy.
 */
export function worstMoments(
  service: Service,
  ack: AckPolicy,
  seed: number,
  count: number,
  extraFaults: Fault[] = [],
  windowsMs: readonly { fromMs: number; toMs: number }[] = service.crashWindowsMs,
  extraWrites: ScriptedWrite[] = [],
  pauses: Pause[] = [],
): CrashMoment[] {
  const normal = normalRun(service, ack, seed);
  const run = simulate({ ...normal, workload: { ...normal.workload, ...scripted(extraWrites), ...paused(pauses) }, faults: [...service.normalFaults(), ...extraFaults] });
  const w = run.writes;
  const inWindow = (t: number) => windowsMs.some((win) => t >= win.fromMs && t < win.toMs);
  const acked: number[] = [];
  for (let i = 0; i < w.count; i++) if (w.ackMs[i] < Infinity) acked.push(i);
  acked.sort((a, b) => w.ackMs[a] - w.ackMs[b]);
  // Each candidate moment as numbers; only the chosen ones become CrashMoments (with their text).
  const crashAt: number[] = [];
  const risk: number[] = [];
  const margins: number[] = [];
  // When each acknowledged write (in `acked` order) first reached one of a set of surviving
  // followers: one table per set, as the set changes only where the failure does.
  const safeBySurvivors = new Map<string, Float64Array>();
  const safeFor = (survivors: number[]): Float64Array => {
    const key = survivors.join(",");
    let safe = safeBySurvivors.get(key);
    if (!safe) {
      safe = new Float64Array(acked.length).fill(Infinity);
      for (const f of survivors) {
        const received = w.receivedMs[f];
        for (let j = 0; j < acked.length; j++) if (received[acked[j]] < safe[j]) safe[j] = received[acked[j]];
      }
      safeBySurvivors.set(key, safe);
    }
    return safe;
  };
  for (let k = 0; k < acked.length; k++) {
    // Just after the acknowledgement, so that it was sent: under a millisecond later, in exact binary fractions.
    const t = Math.ceil(w.ackMs[acked[k]] * 1024 + 1) / 1024;
    if (!inWindow(t)) continue;
    const safe = safeFor(survivorsAt(service, t));
    let atRisk = 0;
    let margin = Infinity;
    for (let j = k; j >= 0 && w.ackMs[acked[j]] > t - 200; j--) {
      if (safe[j] > t) atRisk++;
      else margin = Math.min(margin, t - safe[j]);
    }
    crashAt.push(t);
    risk.push(atRisk);
    margins.push(atRisk > 0 ? 0 : margin);
  }
  // Most exposed first, then the closest calls, then the earliest (a stable sort: ties keep their order).
  const order = crashAt.map((_, i) => i).sort((a, b) => risk[b] - risk[a] || margins[a] - margins[b] || crashAt[a] - crashAt[b]);
  // Distinct episodes: moments at least 20 ms apart.
  const picked: number[] = [];
  for (const i of order) {
    if (picked.length >= count) break;
    if (picked.every((c) => Math.abs(crashAt[c] - crashAt[i]) >= 20)) picked.push(i);
  }
  const chosen = picked.map((i): CrashMoment => {
    const [atRisk, marginMs] = [risk[i], margins[i]];
    const why =
      (atRisk > 0 ? `${atRisk} acknowledged write(s) on no surviving follower yet` : `the closest call: a surviving copy only ${Math.round(marginMs * 1000) / 1000} ms old`) +
      (extraFaults.length > 0 ? `, ${describeSlowdown(extraFaults)}` : "") +
      pauses.map((p) => `, no writes generated from ${p.fromMs} to ${p.toMs} ms`).join("");
    return {
      seed,
      crashAtMs: crashAt[i],
      atRisk,
      marginMs,
      why,
      ...(extraFaults.length > 0 ? { faults: extraFaults } : {}),
      ...(extraWrites.length > 0 ? { writes: extraWrites } : {}),
      ...(pauses.length > 0 ? { pauses } : {}),
    };
  });
  return chosen;
}

/** The first target `ack` misses for `service` on `seed`, or null when it meets both. */
export function judgeService(service: Service, ack: unknown, seed: number, record: Recorder, moment?: CrashMoment): Violation | null {
  const unjudged = outOfBounds(ack);
  if (unjudged !== undefined) return { rule: `the policy must be valid for ${service.name}'s cluster`, details: unjudged, got: ack };
  if (!isPolicy(ack)) {
    return { rule: "the answer is an ack policy: asyncAck(), semiSync(), quorum(k) or syncAll()", got: ack };
  }
  const policy = ack as AckPolicy;
  let outcome: ServiceOutcome;
  let firstLost: CheckerViolation | undefined;
  try {
    outcome = runService(
      service,
      policy,
      seed,
      (run, lost) => {
        record.run?.(run);
        firstLost = lost[0];
      },
      moment?.crashAtMs,
      moment?.faults,
      moment?.writes,
      moment?.pauses,
    );
  } catch (error) {
    return { rule: `the policy must be valid for ${service.name}'s cluster`, details: (error as Error).message, got: ack };
  }
  record("policy", policyName(policy));
  record("outcome", outcome);
  if (outcome.commitLatencyMsP99 > service.commitLatencyMsP99Max) {
    return {
      rule: `${service.name}: p99 commit latency at most ${service.commitLatencyMsP99Max} ms`,
      details: `${policyName(policy)} gave a p99 of ${ms(outcome.commitLatencyMsP99)}${outcome.unacknowledged > 0 ? `; ${outcome.unacknowledged} writes were never acknowledged` : ""}`,
      got: outcome.commitLatencyMsP99,
      want: `<= ${service.commitLatencyMsP99Max}`,
    };
  }
  return lossTarget(service, policy, outcome, firstLost, moment);
}

/** The loss target's violation when a crash run lost more acknowledged writes than `service` allows, or null. */
function lossTarget(service: Service, policy: AckPolicy, outcome: Pick<ServiceOutcome, "lostWrites" | "lostExamples">, firstLost: CheckerViolation | undefined, moment?: CrashMoment): Violation | null {
  if (outcome.lostWrites <= service.lostWritesMax) return null;
  return {
    rule: lossRule(service),
    details: `${policyName(policy)} lost ${outcome.lostWrites} acknowledged write(s)${moment ? ` when the crash came at ${moment.crashAtMs} ms (${moment.why})` : ""}`,
    got: outcome.lostWrites,
    want: `<= ${service.lostWritesMax}`,
    involved: outcome.lostExamples,
    ops: firstLost?.ops,
    name: firstLost?.guarantee,
  };
}

const lossRule = (service: Service): string =>
  service.lostWritesMax === 0
    ? `${service.name}: no acknowledged write is lost when ${service.crash}`
    : `${service.name}: at most ${service.lostWritesMax} acknowledged writes lost when ${service.crash}`;

// ---------------------------------------------------------------------------- shrinking

/** Judgements the shrinking of one failing crash run may spend (each a small simulated run). */
const SHRINK_RUNS = 40;

/**
 * Shows a case that lost acknowledged writes as a smaller crash run that still loses more than
 * the service allows: the crash run's writes become scripted ones (the same clients, keys,
 * values and send times), then the writes sent more than 50 ms before the crash or after it go
 * if the loss survives that, the faults the moment added (a slowdown) go, all together or none,
 * and delta debugging drops writes down to the few that are lost (grader/search/shrink.ts). The
 * failure itself stays as the service states it (`crashFaults`: in ledger A crashes with L, in
 * accounts both maintenance windows happen): a run without it is not the failure the target is
 * about. A slowdown goes whole because its parts may hold each other up: in accounts' slowdown
 * for a fallback (`fallbackSlowdown`), A slow without B slow lets B confirm writes that A, the
 * survivor, does not have when B goes down, which a policy that waits for a copy loses too.
 * The smaller run draws its own network delays, so the lost writes may be other ones: what it
 * shows is checked, not assumed. Returns null (the case is shown as found) when the case's
 * violation is not a loss (a latency miss is about every write of the normal run) or could not be
 * reproduced.
 */
export async function shrinkCrashCase(service: Service, ack: unknown, seed: number, record: Recorder, moment?: CrashMoment): Promise<Violation | null> {
  if (!isPolicy(ack)) return null;
  const quiet: Recorder = () => {};
  const found = judgeService(service, ack, seed, quiet, moment);
  if (!found || found.rule !== lossRule(service)) return null;
  const full = crashRun(service, ack, seed, moment?.crashAtMs, moment?.faults, moment?.writes, moment?.pauses);
  const crashAtMs = (full.failover!.crashLeader as { atMs: number }).atMs;
  const original = simulate(full).history.ops.filter((op): op is WriteOp => op.kind === "write");
  const failure = service.crashFaults(crashAtMs);
  const start: CrashShape = {
    writes: original.map((op) => ({ kind: "write", atMs: op.invokeMs, client: op.client, key: op.key, value: op.value })),
    faults: untilCrash(moment?.faults ?? [], crashAtMs),
  };
  const configOf = (shape: CrashShape): SimConfig => ({ ...full, workload: { writes: 0, script: shape.writes }, faults: [...failure, ...shape.faults] });
  const loses = (shape: CrashShape): boolean => lostWrites(simulate(configOf(shape)).history).length > service.lostWritesMax;
  let steps = 0;
  let shape = start;
  if (!loses(shape)) return null;
  // Cheap cuts first: the last 50 ms before the crash, then the faults the moment added left out.
  const recent = { ...shape, writes: shape.writes.filter((w) => w.atMs >= crashAtMs - 50 && w.atMs <= crashAtMs) };
  steps++;
  if (recent.writes.length > 0 && loses(recent)) shape = recent;
  if (shape.faults.length > 0) {
    const without = { ...shape, faults: [] };
    steps++;
    if (loses(without)) shape = without;
  }
  const { items, steps: more } = await shrinkList(shape.writes, (writes) => loses({ ...shape, writes }), SHRINK_RUNS - steps);
  shape = { ...shape, writes: items };
  const run = simulate(configOf(shape));
  const lost = lostWrites(run.history);
  record.run?.(run);
  record("policy", policyName(ack));
  record("outcome", { lostWrites: lost.length, lostExamples: lost.slice(0, 3).map((v) => v.message) });
  const others = start.faults.length > 0 ? `, ${shape.faults.length} of ${start.faults.length} fault(s) besides the failure itself kept` : "";
  record("shrunk", `from ${original.length} writes to ${shape.writes.length}${others}, in ${steps + more} run(s)`);
  record("faults", configOf(shape).faults);
  return lossTarget(service, ack, { lostWrites: lost.length, lostExamples: lost.slice(0, 3).map((v) => v.message) }, lost[0], moment && { ...moment, why: `${moment.why} in the run as found` });
}

/** A crash run reduced for shrinking: its writes as a script, and the faults kept besides the failure (the leader's crash and `crashFaults`). */
interface CrashShape {
  writes: ScriptedWrite[];
  faults: Fault[];
}

// ---------------------------------------------------------------------------- the search

/** One candidate: a service, a seed, and the moment its leader crashes. */
export interface CrashCandidate {
  service: ServiceName;
  seed: number;
  crashAtMs: number;
  why?: string;
  /** What a worst moment's run adds (`CrashMoment`): the surviving followers slowed, and a write as that starts. */
  faults?: Fault[];
  writes?: ScriptedWrite[];
  pauses?: Pause[];
}

/** Random candidates: any seed, any moment (to the microsecond) of one of the service's crash windows. */
const candidateSpace: fc.Arbitrary<CrashCandidate> = fc
  .record({ service: fc.constantFrom(...SERVICE_NAMES), seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }), at: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }) })
  .map(({ service, seed, at }) => {
    const windows = SERVICES[service].crashWindowsMs;
    const total = windows.reduce((sum, w) => sum + w.toMs - w.fromMs, 0);
    let offset = Math.floor(at * total * 1024) / 1024;
    for (const w of windows) {
      if (offset < w.toMs - w.fromMs) return { service, seed, crashAtMs: w.fromMs + offset };
      offset -= w.toMs - w.fromMs;
    }
    return { service, seed, crashAtMs: windows[0].fromMs };
  });

/**
 * The search over crash moments and seeds for the submission's policies (`policies`, as it
 * answered): first the worst moments computed from each policy on `seeds` (and a fallback's edge
 * moment, `edgeMomentOf`, where the worst exposes no write), then random moments.
 */
export function crashSearch(policies: Record<ServiceName, unknown>, seeds: readonly number[], tries: number): ShownSearch<CrashCandidate> {
  const first: CrashCandidate[] = [];
  const candidate = (name: ServiceName, seed: number, m: CrashMoment): CrashCandidate => ({ service: name, seed, crashAtMs: m.crashAtMs, why: m.why, faults: m.faults, writes: m.writes, pauses: m.pauses });
  for (const seed of seeds) {
    for (const name of SERVICE_NAMES) {
      // An invalid policy has no moment: it fails on its own when judged.
      const m = worstMomentOf(SERVICES[name], policies[name], seed);
      if (m) first.push(candidate(name, seed, m));
      // Where that moment exposes no write, a fallback's edge moment (accounts) next.
      const edge = m && m.atRisk === 0 ? edgeMomentOf(SERVICES[name], policies[name], seed) : undefined;
      if (edge) first.push(candidate(name, seed, edge));
    }
  }
  return {
    space: candidateSpace,
    first,
    tries: Math.max(tries, first.length),
    // Another seed or moment is not a smaller case: the run of the one found is shrunk instead (shrinkShown).
    shrinkTries: 0,
    judge: (k, record) => judgeService(SERVICES[k.service], policies[k.service], k.seed, record, searchedMoment(k)),
    shrinkShown: (k, record) => shrinkCrashCase(SERVICES[k.service], policies[k.service], k.seed, record, searchedMoment(k)),
    describe: (k) => `${k.service}, seed ${k.seed}, the leader crashing at ${k.crashAtMs} ms${k.why ? ` (${k.why})` : ""}`,
  };
}

const searchedMoment = (k: CrashCandidate): CrashMoment => ({
  seed: k.seed,
  crashAtMs: k.crashAtMs,
  atRisk: 0,
  marginMs: 0,
  why: k.why ?? "a searched moment",
  ...(k.faults ? { faults: k.faults } : {}),
  ...(k.writes ? { writes: k.writes } : {}),
  ...(k.pauses ? { pauses: k.pauses } : {}),
});

/**
 * The worst crash moment for an answer, or undefined when it is not a policy this cluster can run
 * (judging says why): the worst of the seed's run as the service describes it and, where no
 * acknowledged write may be lost, of the same run with the surviving followers slowed
 * (`slowedSurvivors`), which is where a fallback to async gives way; in that run the crash may
 * come in `slowedCrashWindowsMs`.
 */
export function worstMomentOf(service: Service, answer: unknown, seed: number): CrashMoment | undefined {
  if (!isPolicy(answer)) return undefined;
  try {
    const slowed = service.lostWritesMax === 0 ? slowedSurvivors(service, seed, answer) : undefined;
    const moments = [
      worstMoments(service, answer, seed, 1)[0],
      ...(slowed
        ? [worstMoments(service, answer, seed, 1, slowed, slowedCrashWindowsMs(service, answer, slowed), slowdownOpening(answer, slowed), slowdownPauses(service, answer, slowed))[0]]
        : []),
    ];
    // The run as described first: a slowed moment is taken only when it is worse.
    return moments.filter((m) => m !== undefined).sort((a, b) => b.atRisk - a.atRisk || a.marginMs - b.marginMs)[0];
  } catch {
    return undefined;
  }
}

/** How many times slower messages to and from the surviving followers are in `slowedSurvivors`. */
export const SLOW_FACTOR = 100;

/** The shortest round trip to a follower that can survive the failure, in ms (ledger: B's 2 + 2; accounts: 0.5 + 0.5). */
const FASTEST_SURVIVOR_ROUND_TRIP_MS: Record<ServiceName, number> = { ledger: 4, metrics: 2, accounts: 1 };

/**
 * The followers that survive the failure, slowed `SLOW_FACTOR` times from a moment in the first
 * 50 ms of one of the service's crash windows (from the seed) to the window's end. Every follower
 * that could keep an acknowledged write through the failure then takes longer to answer than any
 * fallback up to the whole round trip (ledger: B's at least 400 ms; accounts: at least 100 ms),
 * so a policy that falls back to async acknowledges writes only the leader (and, in ledger, A)
 * holds, well inside the window; a policy that waits for a surviving copy only waits longer. The
 * normal run, which the latency target is about, is never slowed.
 *
 * A policy with a fallback (`answer.fallbackAfterMs`, perhaps one "long enough never to fire")
 * gets a slowdown built from it, slower still, so that even the fastest round trip takes twice
 * the fallback, and a write is sent as it starts (`slowdownOpening`), so that one is acknowledged
 * on the leader alone exactly `fallbackAfterMs` later, whatever the seed's writes. In accounts,
 * whose text puts the crash inside a maintenance window, that is `fallbackSlowdown`: each
 * follower in turn, A from just after it caught up after its maintenance, and a fallback shorter
 * than 950 ms less that moment (450 ms less the 0-4 ms A took) fires inside B's crash window. In ledger, whose
 * zone may fail at any moment (`crashAnyMoment`), the slowdown runs to `LATEST_CRASH_MS` and the
 * crash may come anywhere in it (`slowedCrashWindowsMs`); it starts `fallbackAfterMs` and 10 ms
 * before that (at the start of the run for a fallback over 1,180 ms), where a write is safe only
 * once on B or C, so a fallback up to 1,189.9 ms fires before the crash. From 1,190 ms in ledger
 * and 450 ms in accounts a fallback cannot fire before a crash the text allows, and is not wrong.
 */
export function slowedSurvivors(service: Service, seed: number, answer?: unknown): Fault[] {
  const rng = stream(seed, "04/slowed");
  let window = service.crashWindowsMs[randomInt(rng, service.crashWindowsMs.length)];
  let fromMs = window.fromMs + randomInt(rng, 50);
  let factor = SLOW_FACTOR;
  const fallbackMs = fallbackOf(answer);
  if (fallbackMs !== undefined) {
    factor = fallbackFactor(service, fallbackMs);
    if (service.fallbackSlowdown) return service.fallbackSlowdown(factor, seed, answer as AckPolicy);
    if (service.crashAnyMoment) window = { fromMs: window.fromMs, toMs: LATEST_CRASH_MS };
    fromMs = Math.max(0, Math.min(fromMs, Math.floor(window.toMs - fallbackMs - 10)));
  }
  return survivorsAt(service, fromMs).map((i) => ({ node: service.followers[i].name ?? "", kind: "slow" as const, fromMs, toMs: window.toMs, factor }));
}

/** How many times slower a slowdown built from a fallback of `fallbackMs` is: the fastest surviving round trip then takes twice the fallback. */
const fallbackFactor = (service: Service, fallbackMs: number): number =>
  Math.min(1e6, Math.max(SLOW_FACTOR, Math.ceil((2 * fallbackMs) / FASTEST_SURVIVOR_ROUND_TRIP_MS[service.name])));

/**
 * The edge moment for an answer with a fallback, where the service confines the crash to windows
 * (accounts), or undefined: the worst moment of the run with `fallbackSlowdown`, but no writes
 * generated from `edgeQuietFromMs` on, so that A holds every write as it returns from maintenance
 * and is slowed from then (500.001 ms) on every seed. In `worstMomentOf`'s run A catches up 0-4 ms
 * after its return, as the seed's delays have it, and a fallback from about 446 to 449.9 ms, which
 * fires inside B's crash window when A catches up at once, fired there on some seeds only: 449.5 ms
 * (seed 1's A catches up in 0.7 ms) had full marks under one secret in six. Here every fallback
 * under 449.9 ms fires before a crash the text allows, on every seed, and one of 450 ms or more
 * still never does.
 */
export function edgeMomentOf(service: Service, answer: unknown, seed: number): CrashMoment | undefined {
  const fallbackMs = fallbackOf(answer);
  const quietFromMs = service.edgeQuietFromMs;
  if (!isPolicy(answer) || fallbackMs === undefined || quietFromMs === undefined || !service.fallbackSlowdown || !service.fallbackPauses) return undefined;
  try {
    const slowed = service.fallbackSlowdown(fallbackFactor(service, fallbackMs), seed, answer, quietFromMs);
    return worstMoments(service, answer, seed, 1, slowed, service.crashWindowsMs, slowdownOpening(answer, slowed), service.fallbackPauses(slowed, quietFromMs))[0];
  } catch {
    return undefined;
  }
}

/**
 * The write sent the moment a slowdown built from `answer`'s fallback starts (none for other
 * slowdowns). The generated writes are random: the first after the slowdown starts comes a
 * fraction of a millisecond later on most seeds, several on a few, and a fallback within that
 * much of the latest crash then fired on some seeds only (ledger: 1,189 ms on 8 seeds of 12,
 * `grader/search/aims.test.ts`). With this write one is acknowledged on the leader alone `fallbackAfterMs` after the
 * slowdown starts, on every seed.
 */
export function slowdownOpening(answer: unknown, slowed: Fault[]): ScriptedWrite[] {
  if (fallbackOf(answer) === undefined) return [];
  const starts = [...new Set(slowed.map((f) => f.fromMs))].sort((a, b) => a - b);
  return starts.map((atMs) => ({ kind: "write", atMs, client: "early", key: "k0", value: "at slowdown start" }));
}

/** The windows with no generated writes that go with `slowed`, a slowdown built from `answer`'s fallback (`Service.fallbackPauses`): none for other slowdowns. */
export function slowdownPauses(service: Service, answer: unknown, slowed: Fault[]): Pause[] {
  return fallbackOf(answer) !== undefined && service.fallbackSlowdown ? (service.fallbackPauses?.(slowed) ?? []) : [];
}

/**
 * When the leader may crash in the run with `slowed`, the slowdown `slowedSurvivors` built for
 * `answer`: anywhere in the slowdown when it was built from a fallback and the failure may come at
 * any moment (ledger), else in the service's crash windows.
 */
export function slowedCrashWindowsMs(service: Service, answer: unknown, slowed: Fault[]): { fromMs: number; toMs: number }[] {
  const spell = slowed[0];
  if (!service.crashAnyMoment || fallbackOf(answer) === undefined || spell === undefined) return service.crashWindowsMs;
  return [{ fromMs: spell.fromMs, toMs: spell.toMs ?? LATEST_CRASH_MS }];
}

/** A policy's fallback to async, in ms, when it has a finite one. */
function fallbackOf(answer: unknown): number | undefined {
  const ms = answer !== null && typeof answer === "object" ? (answer as { fallbackAfterMs?: unknown }).fallbackAfterMs : undefined;
  return typeof ms === "number" && Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}

/** "with B and C 100x slower from 300 to 900 ms", or for spells of their own "with B 500x slower from 200 to 700 ms, A from 500.894 to 950 ms". */
function describeSlowdown(faults: Fault[]): string {
  const f = faults[0];
  if (faults.every((x) => x.fromMs === f.fromMs && x.toMs === f.toMs)) return `with ${faults.map((x) => x.node).join(" and ")} ${f.factor}x slower from ${f.fromMs} to ${f.toMs} ms`;
  return `with ${faults.map((x, i) => `${x.node}${i === 0 ? ` ${x.factor}x slower` : ""} from ${x.fromMs} to ${x.toMs} ms`).join(", ")}`;
}

function isPolicy(x: unknown): x is AckPolicy {
  return x !== null && typeof x === "object" && typeof (x as { kind?: unknown }).kind === "string" && outOfBounds(x) === undefined;
}

/** The most followers a service here has: a priority list (firstOf) names each at most once. */
const FOLLOWERS_MAX = Math.max(...SERVICE_NAMES.map((name) => SERVICES[name].followers.length));

/**
 * The longest fallback judged, in ms. These runs last about a second, and a fallback longer than
 * a run cannot fire before its crash (above, `slowedSurvivors`): no different from none. The
 * crash runs go on, with the detector's heartbeat every 8 ms, until the last write's fallback
 * is due, fired or not: semiSync({ fallbackAfterMs: 5e8 }) had each crash run take the judge
 * 20-30 s, past the simulator's budget of events, and the exercise's grading ran past the call's
 * time limit (242 CPU-s). A minute costs under a tenth of a second more a run.
 */
const FALLBACK_MAX_MS = 60_000;

/**
 * Why an answer cannot be judged as a policy for these clusters, found without simulating it
 * (cheaply: never reading more of it than two fields), or undefined:
 * - a priority list longer than the most followers a cluster has. The library checks every name
 *   of a list before it refuses one, and a case runs it three times (the worst moments, then the
 *   runs judged): a list of two million names took the judge 5 s a case, for a reply its sandbox
 *   made in half a second;
 * - a finite fallback longer than `FALLBACK_MAX_MS` (`Infinity`, "never", is judged as the
 *   library runs it: no fallback check is ever due).
 * Such an answer fails each case with the reason, and no run.
 */
function outOfBounds(x: unknown): string | undefined {
  if (x === null || typeof x !== "object") return undefined;
  const { standbys, fallbackAfterMs } = x as { standbys?: unknown; fallbackAfterMs?: unknown };
  if (Array.isArray(standbys) && standbys.length > FOLLOWERS_MAX) {
    return `firstOf(k, [names]) lists each follower at most once, and no cluster here has more than ${FOLLOWERS_MAX}: this list has ${standbys.length.toLocaleString("en-US")} names`;
  }
  if (typeof fallbackAfterMs === "number" && Number.isFinite(fallbackAfterMs) && fallbackAfterMs > FALLBACK_MAX_MS) {
    return `fallbackAfterMs is at most ${FALLBACK_MAX_MS} ms here, got ${fallbackAfterMs}: these runs last about a second, and a fallback longer than a run cannot fire before its crash, so it is no different from none; to wait as long as it takes, leave fallbackAfterMs out`;
  }
  return undefined;
}

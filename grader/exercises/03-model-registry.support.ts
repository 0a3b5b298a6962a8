/**
 * Exercise 03's model registry: a scripted simulation of one model's registry over a busy
 * database, and its invariants as checkers.
 *
 * Data scientists register versions and read them back; release engineers promote a version to
 * production and read the pointer back; serving nodes read the production pointer all the time;
 * dashboards list the versions; an auditor reads the audit log. One follower turns very slow for
 * a while, so "any follower" is sometimes far behind. Every read carries its operation as its
 * `purpose`, and the submission's policy for that operation routes it. The seed draws the delays,
 * the rates, the slow follower and the timing of every registry action.
 */
import {
  anyFollower,
  boundedStaleness,
  compileRouting,
  constant,
  exponential,
  leaderOnly,
  randomInt,
  readYourWrites,
  readYourWritesViolations,
  routingName,
  simulate,
  staleReads,
  stickyFollower,
  stream,
  writeOrder,
  type History,
  type ReadOp,
  type ReadRouting,
  type RouterFn,
  type RunResult,
  type ScriptedOp,
  type SimConfig,
  type WriteOp,
} from "../../lib";
import { seenRank } from "../../lib/checkers/writeOrder";
import fc from "fast-check";
import type * as Exercise from "../../exercises/03-model-registry";
import type { Recorder, Violation } from "../graded";
import { FunctionRef, type Plain } from "../sandbox/wire";
import type { ShownSearch } from "../search/search-test";
import { shrinkBy } from "../search/shrink";
import { turnOf } from "../search/aims";
import type { RouteSource, RouterLog, StudentCode } from "../student";
import { describeOp, followerShare, fromChecker, pct, routedRun, SUBMISSION_ROUTER, unansweredRead } from "./routing.support";

/** The registry's operations, as the `purpose` of their reads. */
export const OPERATIONS = ["register-version", "promote", "serve-model", "list-versions", "read-audit-log"] as const;
export type Operation = (typeof OPERATIONS)[number];

/** How long a registry run lasts, ms. */
const REGISTRY_RUN_MS = 2000;
/** A serving node must not load a version later than this after it was demoted. */
export const DEMOTED_MAX_MS = 100;
/** The leader may serve at most this share of the registry's reads. */
export const LEADER_SHARE_MAX = 0.15;

const MODEL = "fraud-detector";
const KEYS = {
  production: `model:${MODEL}:production`,
  versions: `model:${MODEL}:versions`,
  audit: `model:${MODEL}:audit`,
  version: (n: number) => `model:${MODEL}:v${n}`,
};

/** What the submission said for one operation, checked: a library routing (as data) or its own router, which stays in its sandbox. */
export interface Policy {
  routing: ReadRouting | FunctionRef;
  reason: unknown;
}

/** A library routing rebuilt from an answer by the library's own constructors, or a sentence saying what is wrong. */
function libraryRouting(r: unknown): ReadRouting | string {
  const kind = r !== null && typeof r === "object" ? (r as { kind?: unknown }).kind : undefined;
  try {
    switch (kind) {
      case "leader-only":
        return leaderOnly();
      case "any-follower":
        return anyFollower();
      case "sticky-follower":
        return stickyFollower();
      case "read-your-writes":
        return readYourWrites({ ifBehind: (r as { ifBehind?: "leader" | "wait" }).ifBehind });
      case "bounded-staleness":
        return boundedStaleness((r as { maxLagMs: number }).maxLagMs);
    }
  } catch (error) {
    return (error as Error).message;
  }
  return "it must be leaderOnly(), anyFollower(), stickyFollower(), readYourWrites(), boundedStaleness(ms) or your own router function";
}

/** The policy an answer of choosePolicy(op) gives, or the rule it breaks. */
export function readPolicy(op: Operation, answer: Plain): Policy | Violation {
  if (answer === null || typeof answer !== "object" || Array.isArray(answer) || !("routing" in answer)) {
    return { rule: "choosePolicy(operation) returns { routing, reason }", details: `for ${op}`, got: answer };
  }
  const { routing, reason } = answer as { routing: Plain; reason: Plain };
  if (routing instanceof FunctionRef) return { routing, reason };
  const rebuilt = libraryRouting(routing);
  if (typeof rebuilt === "string") return { rule: `the routing for ${op} is a library routing or a router function`, details: rebuilt, got: routing };
  return { routing: rebuilt, reason };
}

/** A routing's name for feedback. */
export function policyRoutingName(p: Policy): string {
  return p.routing instanceof FunctionRef ? `custom(${p.routing.name || "anonymous"})` : routingName(p.routing);
}

/** The submission's policy for every operation, in one round trip to its sandbox. */
export async function askPolicies(answer: StudentCode<typeof Exercise>): Promise<Record<Operation, Policy> | Violation> {
  const r = await answer.run(OPERATIONS.map((op) => ({ call: "choosePolicy", args: [op] })));
  if (r.error) throw r.error;
  const out = {} as Record<Operation, Policy>;
  for (const [i, op] of OPERATIONS.entries()) {
    const p = readPolicy(op, r.values[i]);
    if ("rule" in p) return p;
    out[op] = p;
  }
  return out;
}

/** How many followers trail the leader in a trailing run: C alone, B and C, or all three. */
export type TrailingFollowers = 1 | 2 | 3;

/** Followers that trail the leader by a constant delay for the whole run, in place of the slow spell. */
export interface Trailing {
  ms: number;
  followers: TrailingFollowers;
}

/**
 * One run of a registry case: undefined, the slow spell; a number, follower C trailing that far
 * behind; a `Trailing`, that many followers (the last ones: C, then B, then A) trailing.
 */
export type RegistryRun = number | Trailing | undefined;

/** The trailing followers of a run, or undefined for the slow spell. */
export function trailingOf(run: RegistryRun): Trailing | undefined {
  return typeof run === "number" ? { ms: run, followers: 1 } : run;
}

/** The names of the followers that trail, in a run where `followers` of them do. */
export function trailingNames(followers: TrailingFollowers): string[] {
  return ["A", "B", "C"].slice(3 - followers);
}

/** Offsets after each promotion is acknowledged at which, in a trailing run, a serving node reads the pointer: just past the limit. */
export const EDGE_READS_MS = [DEMOTED_MAX_MS + 0.1, DEMOTED_MAX_MS + 0.3];

/**
 * The edge reads of a run whose followers trail by `trailingMs`: EDGE_READS_MS, and first, when
 * they trail by over the limit but no later than those reads (a staleness bound up to 0.6 ms
 * over it, trailed halfway), a read halfway between the limit and their delay, where they still
 * lack the promotion and are within the bound (at EDGE_READS_MS they may have it already).
 */
export function edgeReadsMs(trailingMs: number): number[] {
  const late = trailingMs > DEMOTED_MAX_MS && trailingMs <= EDGE_READS_MS[EDGE_READS_MS.length - 1];
  return late ? [(DEMOTED_MAX_MS + trailingMs) / 2, ...EDGE_READS_MS] : EDGE_READS_MS;
}

/**
 * When all three followers trail, they keep up (TRAIL_BEFORE_MS behind) until this long before
 * the second promotion is sent, then trail: a serving router that checked one before, or just
 * after that promotion, and trusts its check for a while, sends later reads to a follower that now
 * lacks it. One or two trailing followers trail from the start.
 */
export const TRAIL_FROM_BEFORE_PROMOTION_MS = 0.5;
/** How far behind trailing followers are before they start trailing, ms (a constant delay). */
const TRAIL_BEFORE_MS = 1;
/**
 * When all three trail, serving nodes join just after the second promotion is acknowledged, one
 * at each of these offsets (ms), when the followers have trailed for only that long, and each
 * reads once more 100.1 ms after that promotion: a router that checks a follower's lag on a
 * client's first read and trusts it on the next (a count of reads, or for a while: a time that,
 * with its bound, comes to over 100 ms by 5 ms or more) serves the second read from a follower
 * that lacks the promotion. The edge server has read twice, after the first promotion, before
 * they trail, so a router that checks every other read trusts its third.
 */
export const LATE_SERVERS_JOIN_MS: readonly number[] = [1, ...Array.from({ length: 19 }, (_, i) => 5 * (i + 1))];

/**
 * In a trailing run where B and C trail, A alone serves the followers' reads: its entries' delay is
 * at the slow end of the stated 1-3 ms and other models write as fast as any seed draws, so that A
 * is more than a few ms behind often enough that a serving bound of 5 ms sends over 15% of the
 * reads to the leader on every seed (17-29%), where 50 ms sends about 3%.
 */
const ALONE_SERVING_DELAY = exponential({ meanMs: 3 });
const BUSIEST_WRITES_PER_SEC = 599;

/**
 * Offsets after each audit entry is acknowledged at which the auditor reads the log: a follower
 * whose lag is a fraction of a millisecond lacks the entry then, so a staleness bound for audits,
 * however small, lets such a read miss it.
 */
export const AUDIT_EDGE_READS_MS = [0.05];

/**
 * The simulated registry for one seed, with `routing` for every read. With `laggingMs`, follower C
 * (or with a `Trailing`, the last one, two or three followers) trails the leader by that constant
 * delay for the whole run instead of one follower turning slow for a while: the case built against
 * the serving policy (`laggingMsFor`). A trailing run also has a serving node read the pointer
 * just over 100 ms after each promotion is acknowledged (`EDGE_READS_MS`), where a follower
 * trailing just over the limit lacks it.
 */
export function registryConfig(seed: number, routing: RouterFn, laggingMs?: number | Trailing, cut?: RegistryCut): SimConfig {
  const trailing = trailingOf(laggingMs);
  const rng = stream(seed, "03/registry");
  const runMs = REGISTRY_RUN_MS;
  const script: ScriptedOp[] = [];
  const write = (atMs: number, client: string, key: string, value: string, more: Partial<ScriptedOp> = {}) =>
    script.push({ kind: "write", atMs, client, key, value, ...more } as ScriptedOp);
  const read = (atMs: number, client: string, key: string, purpose: Operation, more: Partial<ScriptedOp> = {}) =>
    script.push({ kind: "read", atMs, client, keys: [key], purpose, ...more } as ScriptedOp);

  // Version 0 is in production from the start, long before anything else happens.
  write(0, "registry", KEYS.version(0), "registered by setup");
  write(0.1, "registry", KEYS.versions, "v0");
  write(0.2, "registry", KEYS.production, "v0");
  write(0.3, "registry", KEYS.audit, "v0 registered; v0 promoted");

  // Registrations, each read back by its author at once; the registry lists it and logs it.
  let registered = 0;
  const registeredAt: number[] = [0];
  for (let t = 40 + 60 * rng.next(); t < runMs - 50; t += 70 + 60 * rng.next()) {
    const n = ++registered;
    const author = `ds${1 + randomInt(rng, 3)}`;
    const label = `register-v${n}`;
    write(t, author, KEYS.version(n), `registered by ${author}`, { label });
    write(0, "registry", KEYS.versions, `v0-v${n}`, { afterOp: label });
    write(0.1, "registry", KEYS.audit, `v${n} registered by ${author}`, { afterOp: label, label: `${label}:audit` });
    read(rng.next() < 0.5 ? 0 : 1, author, KEYS.version(n), "register-version", { afterOp: label, label: `${label}:read-back` });
    registeredAt.push(t);
  }
  // Promotions of the newest version registered by then, each read back by its author at once.
  let promotions = 0;
  for (let t = 150 + 100 * rng.next(); t < runMs - 50; t += 180 + 120 * rng.next()) {
    let newest = 0;
    while (newest + 1 < registeredAt.length && registeredAt[newest + 1] < t - 5) newest++;
    const engineer = `release${1 + randomInt(rng, 2)}`;
    const label = `promote-${++promotions}`;
    write(t, engineer, KEYS.production, `v${newest}`, { label });
    write(0, "registry", KEYS.audit, `v${newest} promoted by ${engineer}`, { afterOp: label, label: `${label}:audit` });
    read(rng.next() < 0.5 ? 0 : 1, engineer, KEYS.production, "promote", { afterOp: label, label: `${label}:read-back` });
  }
  const promotionLabels = Array.from({ length: promotions }, (_, i) => `promote-${i + 1}`);
  // Steady readers: serving nodes, dashboards and an auditor, each at its own pace.
  const steady = (clients: string[], key: string, purpose: Operation, everyMs: number) => {
    for (const client of clients) {
      for (let t = 5 + everyMs * rng.next(); t < runMs; t += everyMs * (0.8 + 0.4 * rng.next())) read(t, client, key, purpose);
    }
  };
  steady(names("server", 10 + randomInt(rng, 7)), KEYS.production, "serve-model", 10);
  steady(names("dashboard", 4 + randomInt(rng, 3)), KEYS.versions, "list-versions", 8);
  steady(["auditor"], KEYS.audit, "read-audit-log", 40);
  // The auditor also reads the log just after each entry is acknowledged, when no follower has it yet (no draw from rng).
  for (const { label } of script.filter((op) => op.kind === "write" && op.key === KEYS.audit && op.label !== undefined)) {
    for (const atMs of AUDIT_EDGE_READS_MS) read(atMs, "auditor", KEYS.audit, "read-audit-log", { afterOp: label });
  }
  // In a trailing run, a serving node reads the pointer just after each promotion is due (no draw from rng).
  if (trailing !== undefined) {
    for (const label of promotionLabels) for (const atMs of edgeReadsMs(trailing.ms)) read(atMs, "edge-server", KEYS.production, "serve-model", { afterOp: label });
  }
  // When all three trail, they keep up until just before the second promotion, and serving nodes join just after it.
  const allTrail = trailing?.followers === 3;
  if (allTrail) {
    for (const atMs of LATE_SERVERS_JOIN_MS) {
      for (const at of [atMs, EDGE_READS_MS[0]]) read(at, `late-server-${atMs}`, KEYS.production, "serve-model", { afterOp: promotionLabels[1] });
    }
  }
  const trailFromMs = allTrail ? script.find((op) => op.label === promotionLabels[1])!.atMs - TRAIL_FROM_BEFORE_PROMOTION_MS : 0;

  const slow = "ABC"[randomInt(rng, 3)];
  const slowFromMs = 300 + 400 * rng.next();
  const toFollowerMs = exponential({ meanMs: 1 + 2 * rng.next() });
  // With B and C trailing, A serves alone: at the slow end of the stated delays, on the busiest database.
  const aloneServes = trailing?.followers === 2;
  const writesPerSec = aloneServes ? (randomInt(rng, 300), BUSIEST_WRITES_PER_SEC) : 300 + randomInt(rng, 300);
  const slowToMs = slowFromMs + 600 + 400 * rng.next();
  const factor = 25 + randomInt(rng, 26);
  const fault = cut?.fault ?? true;
  return {
    seed,
    ...(trailing === undefined
      ? { followers: 3, network: { toFollowerMs }, faults: fault ? [{ node: slow, kind: "slow" as const, fromMs: slowFromMs, toMs: slowToMs, factor }] : [] }
      : {
          followers: ["A", "B", "C"].map((name) => ({
            name,
            toFollowerMs: fault && trailingNames(trailing.followers).includes(name) ? constant(TRAIL_BEFORE_MS) : aloneServes ? ALONE_SERVING_DELAY : toFollowerMs,
          })),
          // From just before the second promotion, each trailing follower's entries take `trailing.ms`.
          faults: fault
            ? trailingNames(trailing.followers).map((node) => ({ node, kind: "slow" as const, fromMs: trailFromMs, factor: trailing.ms / TRAIL_BEFORE_MS }))
            : [],
        }),
    // Other models' registry traffic keeps the replication stream busy.
    workload:
      cut === undefined
        ? { writesPerSec, durationMs: runMs, keys: 100, script }
        : cut.otherTraffic === false
          ? { writes: 0, keys: 100, script: cutScript(script, cut) }
          : { writesPerSec, durationMs: cut.untilMs ?? runMs, keys: 100, script: cutScript(script, cut) },
    reads: { readsPerSec: 0, routing },
  };
}

/**
 * A registry run made smaller for showing a failure: the run ends at `untilMs`, without other
 * models' traffic, without the slow spell (or the trailing follower), with fewer serving nodes,
 * dashboards or no auditor. The seed draws the same values; only what is left out goes.
 */
export interface RegistryCut {
  untilMs?: number;
  otherTraffic?: boolean;
  fault?: boolean;
  servers?: number;
  dashboards?: number;
  auditor?: boolean;
}

/** The registry's script without the operations `cut` leaves out (and those that were to follow them). */
function cutScript(script: readonly ScriptedOp[], cut: RegistryCut): ScriptedOp[] {
  const index = (client: string, prefix: string) => (client.startsWith(prefix) ? Number(client.slice(prefix.length)) : 0);
  const dropped = new Set<string>();
  return script.filter((op) => {
    const keep =
      !(op.afterOp !== undefined && dropped.has(op.afterOp)) &&
      !(op.afterOp === undefined && cut.untilMs !== undefined && op.atMs >= cut.untilMs) &&
      !(cut.servers !== undefined && index(op.client, "server") > cut.servers) &&
      !(cut.dashboards !== undefined && index(op.client, "dashboard") > cut.dashboards) &&
      !(cut.auditor === false && op.client === "auditor");
    if (!keep && op.label !== undefined) dropped.add(op.label);
    return keep;
  });
}

/**
 * How far behind followers should trail to attack a serving policy at its weak spot: for a
 * staleness bound over the 100 ms the invariant allows, halfway between the two (the bound lets
 * the follower serve, the invariant does not); for a bound within it, 20 ms past the bound (the
 * follower must be left out); for any other routing, 150 ms, or, when all `followers` trail, just
 * over the limit (100.6 ms: a lag rounded to whole milliseconds, or checked with a little slack,
 * lets every follower serve; a router that takes the least lagging follower however far behind
 * serves from one that lacks a promotion at each edge read).
 */
export function laggingMsFor(policy: Policy, followers: TrailingFollowers = 1): number {
  const r = policy.routing;
  if (!(r instanceof FunctionRef) && typeof r !== "function" && r.kind === "bounded-staleness") {
    return r.maxLagMs > DEMOTED_MAX_MS ? (DEMOTED_MAX_MS + r.maxLagMs) / 2 : r.maxLagMs + 20;
  }
  return followers === 3 ? DEMOTED_MAX_MS + 0.6 : 1.5 * DEMOTED_MAX_MS;
}

/**
 * The kinds of trailing run that cases built against the serving policy take turns at, by seed
 * (`turnOf(seed, 3)`, search/aims.ts): every follower trailing (a router that falls back to the
 * least lagging follower rather than the leader serves a stale pointer), B and C (one that skips
 * only the slowest follower does), C alone.
 */
export const TRAILING_KINDS: readonly TrailingFollowers[] = [3, 2, 1];

/** The trailing run a case of `seed` judges: its kind's followers, at the serving policy's weak spot. */
export function aimedTrailing(seed: number, serving: Policy): Trailing {
  const followers = TRAILING_KINDS[turnOf(seed, TRAILING_KINDS.length)];
  return { ms: laggingMsFor(serving, followers), followers };
}

/** The submission with every routed run in a freshly loaded module: nothing its code kept from an earlier case reaches the next. */
export function freshly(answer: StudentCode<typeof Exercise>): StudentCode<typeof Exercise> {
  return { ...answer, route: (config, spec) => answer.route(config, spec, { fresh: true }) };
}

function names(prefix: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);
}

// ------------------------------------------------------------------------------------------------
// The invariants. Each returns the first broken rule with the operations that show it, or null.

const hasPurpose = (h: History, purpose: Operation) => (id: number) => (h.ops[id] as ReadOp).purpose === purpose;

/** Whoever did `purpose`'s write reads it back at once: read-your-writes for that operation's reads. */
export function readsBackOwnWrite(h: History, purpose: "register-version" | "promote", rule: string): Violation | null {
  const mine = hasPurpose(h, purpose);
  return fromChecker(rule, h, readYourWritesViolations(h).filter((v) => mine(v.ops[0])));
}

/** An audit read shows every audit entry acknowledged before it began. */
export function auditIsComplete(h: History, rule: string): Violation | null {
  const audit = hasPurpose(h, "read-audit-log");
  return fromChecker(rule, h, staleReads(h).filter((v) => audit(v.ops[0])), "stale audit read");
}

/**
 * No serving node loads a version more than `DEMOTED_MAX_MS` after it was demoted: a serve read
 * invoked at t must see the production pointer set by the newest promotion acknowledged at or
 * before t - DEMOTED_MAX_MS, or a newer one.
 */
export function servesNoLongDemotedVersion(h: History, rule: string): Violation | null {
  const order = writeOrder(h);
  const promotions = h.ops
    .filter((op): op is WriteOp => op.kind === "write" && op.key === KEYS.production && op.acknowledged)
    .sort((a, b) => a.completeMs - b.completeMs);
  // newestBy[i]: the highest-ranked promotion among the first i + 1 acknowledged.
  const newestBy: WriteOp[] = [];
  for (const p of promotions) {
    const prev = newestBy[newestBy.length - 1];
    newestBy.push(prev === undefined || order.rank[p.id] > order.rank[prev.id] ? p : prev);
  }
  let count = 0;
  let first: Violation | null = null;
  for (const op of h.ops) {
    if (op.kind !== "read" || op.purpose !== "serve-model") continue;
    const cutoffMs = op.invokeMs - DEMOTED_MAX_MS;
    let lo = 0;
    let hi = promotions.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (promotions[mid].completeMs <= cutoffMs) lo = mid + 1;
      else hi = mid;
    }
    if (lo === 0) continue;
    const due = newestBy[lo - 1];
    const seen = op.observed[0];
    if (seen.writeId !== -1 && seenRank(order, seen.writeId) >= order.rank[due.id]) continue;
    count++;
    if (first === null) {
      const demotedForMs = op.invokeMs - due.completeMs;
      first = {
        rule,
        details:
          `${op.client} loaded ${seen.value ?? "no version"} from ${seen.node} at ${round(op.invokeMs)} ms, ` +
          `${round(demotedForMs)} ms after the promotion of ${due.value} (write ${due.id}) was acknowledged`,
        involved: [describeOp(op), describeOp(due), ...(seen.writeId >= 0 ? [describeOp(h.ops[seen.writeId])] : [])],
        ops: [op.id, due.id, ...(seen.writeId >= 0 ? [seen.writeId] : [])],
      };
    }
  }
  if (first) first.details = `${count} serve read(s) loaded a version demoted over ${DEMOTED_MAX_MS} ms earlier; the first: ${first.details}`;
  return first;
}

/** The leader serves at most LEADER_SHARE_MAX of the registry's reads. */
export function withinLeaderBudget(h: History, rule: string, record: Recorder): Violation | null {
  const byOperation: Record<string, string> = {};
  for (const op of OPERATIONS) {
    const s = followerShare(h, (r) => r.purpose === op);
    byOperation[op] = `${s.keysRead - s.byFollowers} of ${s.keysRead} on the leader`;
  }
  record("leaderReadsByOperation", byOperation);
  const all = followerShare(h);
  const leaderShare = 1 - all.share;
  if (leaderShare <= LEADER_SHARE_MAX) return null;
  return {
    rule,
    details: `the leader served ${all.keysRead - all.byFollowers} of ${all.keysRead} reads (${pct(leaderShare)}); per operation: ${JSON.stringify(byOperation)}`,
    got: pct(leaderShare),
    want: `<= ${pct(LEADER_SHARE_MAX)}`,
  };
}

/** The rules, worded as the tests name them. */
export const RULES = {
  register: "read-your-writes: whoever registers a version reads it back at once",
  promote: "read-your-writes: whoever promotes a version sees it in production at once",
  serve: `no serving node loads a version more than ${DEMOTED_MAX_MS} ms after it was demoted`,
  audit: "an audit read shows every audit entry acknowledged before it began",
  budget: `the leader serves at most ${pct(LEADER_SHARE_MAX)} of the registry's reads`,
};

export type Invariant = "register" | "promote" | "serve" | "audit" | "budget";
export const ALL_INVARIANTS: readonly Invariant[] = ["register", "promote", "serve", "audit", "budget"];

/**
 * Simulates the registry for `seed` under `policies` and checks `which` invariants, in that order.
 * Library routings are compiled here; the reads of operations the submission routes with its own
 * function are routed by it, in its sandbox, and replayed here (routing.support.ts).
 */
export async function judgeRegistry(
  seed: number,
  policies: Record<Operation, Policy>,
  which: readonly Invariant[],
  record: Recorder,
  answer: StudentCode<typeof Exercise>,
  laggingMs?: RegistryRun,
  cut?: RegistryCut,
): Promise<Violation | null> {
  const config = registryConfig(seed, SUBMISSION_ROUTER, laggingMs, cut);
  const trailing = trailingOf(laggingMs);
  const slow = trailing === undefined ? config.faults?.[0] : undefined;
  if (slow) record("slowFollower", `${slow.node} ${slow.factor}x slower from ${round(slow.fromMs)} to ${round(slow.toMs!)} ms`);
  else if (trailing !== undefined && cut?.fault !== false) {
    const fromMs = config.faults?.[0]?.fromMs ?? 0;
    record("laggingFollower", `${describeTrailing(trailing)} the leader${fromMs > 0 ? ` from ${round(fromMs)} ms (${TRAIL_BEFORE_MS} ms behind before)` : ""}`);
  }
  else record("followers", "no slow or trailing follower");
  // With every follower far behind, serving must go to the leader: the budget cannot hold, and is not judged.
  const allTrail = trailing?.followers === 3 && cut?.fault !== false;
  if (allTrail && which.includes("budget")) record("budget", "not judged in this run: every follower trails the leader");
  const judged = allTrail ? which.filter((i) => i !== "budget") : which;
  const { compiled, byPurpose } = routeSources(policies);
  const run =
    compiled.size === OPERATIONS.length
      ? simulate({ ...config, reads: { ...config.reads, routing: (ctx) => compiled.get(ctx.purpose ?? "")!(ctx) } })
      : await routedRun(answer, config, { byPurpose }, compiled);
  record.run?.(run);
  const h = run.history;
  record("readsServedBy", run.readsServedBy);
  const unanswered = unansweredRead(h);
  if (unanswered) return unanswered;
  for (const invariant of judged) {
    const broken =
      invariant === "register"
        ? readsBackOwnWrite(h, "register-version", RULES.register)
        : invariant === "promote"
          ? readsBackOwnWrite(h, "promote", RULES.promote)
          : invariant === "serve"
            ? servesNoLongDemotedVersion(h, RULES.serve)
            : invariant === "audit"
              ? auditIsComplete(h, RULES.audit)
              : withinLeaderBudget(h, RULES.budget, record);
    if (broken) return broken;
  }
  return null;
}

/** A registry case as judged: one seed, the policies, the invariants, and its runs in order (`RegistryRun`: the slow spell or followers trailing). */
export interface RegistryCase {
  seed: number;
  policies: Record<Operation, Policy>;
  which: readonly Invariant[];
  answer: StudentCode<typeof Exercise>;
  runs: readonly RegistryRun[];
}

/** Runs the shrinking of one failing registry case may spend (each a routed run). */
const SHRINK_RUNS = 10;

/**
 * Shows a failing registry case as a smaller run that breaks the same rule: the first of the
 * case's runs that fails is cut to end just after the
 * failure, then, as long as the same rule still breaks, without other models' traffic, with one
 * serving node, no dashboard, no auditor, without the slow or trailing follower, and to half its
 * length (shrinkBy, grader/search/shrink.ts), within `SHRINK_RUNS` more runs. Returns null (the
 * case is shown as found) when no listed run fails.
 */
export async function shrinkRegistry(k: RegistryCase, record: Recorder): Promise<Violation | null> {
  const { seed, policies, which, answer } = k;
  for (const lagging of k.runs) {
    let history: History | undefined;
    const watch: Recorder = Object.assign(() => {}, { run: (r: RunResult) => void (history = r.history) });
    const found = await judgeRegistry(seed, policies, which, watch, answer, lagging);
    if (!found) continue;
    const rule = found.rule;
    const quiet: Recorder = () => {};
    const fails = async (cut: RegistryCut) => (await judgeRegistry(seed, policies, which, quiet, answer, lagging, cut))?.rule === rule;
    const times = (found.ops ?? []).map((id) => history?.ops[id]).flatMap((op) => (op ? [op.invokeMs, op.completeMs] : [])).filter(Number.isFinite);
    const start: RegistryCut = times.length > 0 ? { untilMs: Math.min(REGISTRY_RUN_MS, Math.floor(Math.max(...times)) + 1) } : {};
    const begin = start.untilMs !== undefined && (await fails(start)) ? start : {};
    const { value: cut, steps } = await shrinkBy(begin, smallerRegistries, fails, SHRINK_RUNS - 1);
    record("shrunk", `${describeCut(cut)} (${steps + 2} more run(s))`);
    return (await judgeRegistry(seed, policies, which, record, answer, lagging, cut)) ?? found;
  }
  return null;
}

/**
 * The next smaller registry runs to try: the readers and the traffic a failure rarely needs
 * first, then the fault, then half the run (already cut at the failure, it often needs the rest).
 */
function smallerRegistries(cut: RegistryCut): RegistryCut[] {
  const out: RegistryCut[] = [];
  if (cut.otherTraffic !== false) out.push({ ...cut, otherTraffic: false });
  if (cut.servers === undefined || cut.servers > 1) out.push({ ...cut, servers: 1 });
  if (cut.dashboards !== 0) out.push({ ...cut, dashboards: 0 });
  if (cut.auditor !== false) out.push({ ...cut, auditor: false });
  if (cut.fault !== false) out.push({ ...cut, fault: false });
  const untilMs = cut.untilMs ?? REGISTRY_RUN_MS;
  if (untilMs > 100) out.push({ ...cut, untilMs: Math.round(untilMs / 2) });
  return out;
}

function describeCut(cut: RegistryCut): string {
  const parts = [
    cut.untilMs !== undefined ? `the run ends at ${cut.untilMs} ms` : "the whole run",
    cut.otherTraffic === false ? "no other models' traffic" : "",
    cut.fault === false ? "no slow or trailing follower" : "",
    cut.servers !== undefined ? `${cut.servers} serving node(s)` : "",
    cut.dashboards === 0 ? "no dashboard" : "",
    cut.auditor === false ? "no auditor" : "",
  ];
  return parts.filter(Boolean).join(", ");
}

/** Library routings compiled here, and what the sandbox routes each operation's reads with. */
function routeSources(policies: Record<Operation, Policy>): { compiled: Map<string, RouterFn>; byPurpose: Record<string, RouteSource> } {
  const compiled = new Map<string, RouterFn>();
  const byPurpose: Record<string, RouteSource> = {};
  for (const op of OPERATIONS) {
    const routing = policies[op].routing;
    if (routing instanceof FunctionRef) byPurpose[op] = { call: "choosePolicy", args: [op], pick: "routing" };
    else {
      compiled.set(op, compileRouting(routing));
      byPurpose[op] = { routing };
    }
  }
  return { compiled, byPurpose };
}

/**
 * A short run with one read of each operation, by clients named as in the registry (the author
 * and the engineer read back what they wrote), 120 ms after writes that A has and B and C, 150 ms
 * behind, do not: routed just before a registry run in the same loaded module, it moves a count
 * kept outside ctx.session by one read of each operation the submission routes itself (A is
 * there for any bound), and leaves a memory of followers far behind.
 */
export function oneReadOfEach(routing: RouterFn): SimConfig {
  const reader: Record<Operation, [string, string]> = {
    "register-version": ["ds1", KEYS.version(1)],
    promote: ["release1", KEYS.production],
    "serve-model": ["server1", KEYS.production],
    "list-versions": ["dashboard1", KEYS.versions],
    "read-audit-log": ["auditor", KEYS.audit],
  };
  const script: ScriptedOp[] = [
    { kind: "write", atMs: 0, client: "registry", key: KEYS.production, value: "v0" },
    { kind: "write", atMs: 1, client: "ds1", key: KEYS.version(1), value: "registered by ds1" },
    { kind: "write", atMs: 2, client: "release1", key: KEYS.production, value: "v1" },
    ...OPERATIONS.map((purpose, i): ScriptedOp => ({ kind: "read", atMs: 120 + i, client: reader[purpose][0], keys: [reader[purpose][1]], purpose })),
  ];
  return {
    seed: 1,
    followers: ["A", "B", "C"].map((name) => ({ name, toFollowerMs: constant(name === "A" ? 1 : 150) })),
    workload: { writes: 0, keys: 100, script },
    reads: { readsPerSec: 0, routing },
  };
}

/**
 * Routes the registry of `seed` twice in a row in one loaded module (the first time freshly
 * loaded), then once more after `oneReadOfEach` in a module loaded afresh: a router that keeps
 * its memory in ctx.session, and draws from ctx.random(), decides alike every time. A count kept
 * outside it (a round robin) is a whole run ahead the second time, which may be a whole number of
 * its cycles (a toggle, after a run with an even number of reads), and one read of each of its
 * operations ahead the third, which is not. Library routings are data, with nothing to carry.
 */
export async function judgeNoCarriedState(seed: number, policies: Record<Operation, Policy>, answer: StudentCode<typeof Exercise>, record: Recorder): Promise<Violation | null> {
  const own = OPERATIONS.filter((op) => policies[op].routing instanceof FunctionRef);
  record("ownRouters", own.length === 0 ? "none: library routings are data, with no state to carry" : own);
  if (own.length === 0) return null;
  const config = registryConfig(seed, SUBMISSION_ROUTER);
  const { byPurpose } = routeSources(policies);
  const route = async (run: SimConfig, fresh: boolean) => {
    const log = await answer.route(run, { byPurpose }, { fresh });
    if (log.error) throw log.error;
    return log;
  };
  const first = await route(config, true);
  const second = await route(config, false);
  await route(oneReadOfEach(SUBMISSION_ROUTER), true);
  const third = await route(config, false);
  const [after, log] = firstDifference(first, second) >= 0 ? ["the same run routed twice in a row", second] : ["the run routed after a short one with one read of each operation", third];
  const at = firstDifference(first, log);
  if (at < 0) return null;
  const show = (log: RouterLog) =>
    at < log.decisions.length ? `${JSON.stringify(log.decisions[at])}, drawing ${log.draws[at]} number(s) from ctx.random()` : "no decision";
  return {
    rule: "a router keeps what it remembers in ctx.session: nothing carries over from one run to the next",
    details:
      `${after} by the same loaded file decided differently from read ${at} on (${show(first)} when freshly loaded, ${show(log)} then): ` +
      `the router for ${own.join(", ")} keeps state outside ctx.session (a variable outside the function, a cache, a counter), or draws from Math.random() or the clock instead of ctx.random(). ` +
      `Each graded run loads your file afresh, so this state changed no other test's verdict; in a real router it would leak one run's sessions into the next`,
  };
}

/** The first read on which two logs of the same run differ (decision or random draws), or -1. */
function firstDifference(a: RouterLog, b: RouterLog): number {
  const n = Math.max(a.decisions.length, b.decisions.length);
  for (let i = 0; i < n; i++) {
    if (JSON.stringify(a.decisions[i]) !== JSON.stringify(b.decisions[i]) || a.draws[i] !== b.draws[i]) return i;
  }
  return -1;
}

// ------------------------------------------------------------------------------------------------
// The search: registry runs on seeds keyed by the grading secret, some with a follower trailing at
// the weak spot of the serving policy.

export interface RegistryCandidate {
  seed: number;
  /** The trailing followers' constant delay, or undefined for the usual slow spell. */
  laggingMs?: number;
  /** How many followers trail (C, then B, then A): 1 when not given. */
  followers?: TrailingFollowers;
}

const registrySpace: fc.Arbitrary<RegistryCandidate> = fc.record(
  { seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }), laggingMs: fc.integer({ min: 60, max: 400 }), followers: fc.constantFrom<TrailingFollowers>(1, 2, 3) },
  { requiredKeys: ["seed"] },
);

/** A candidate's run: the slow spell, or its followers trailing. */
function candidateRun(k: RegistryCandidate): RegistryRun {
  return k.laggingMs === undefined ? undefined : { ms: k.laggingMs, followers: k.followers ?? 1 };
}

/** "C always 150 ms behind", "B and C always 70 ms behind", "A, B and C 100.6 ms behind from just before the second promotion". */
function describeTrailing(t: Trailing): string {
  const names = trailingNames(t.followers);
  const who = names.length === 1 ? names[0] : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
  return t.followers === 3 ? `${who} ${round(t.ms)} ms behind from just before the second promotion` : `${who} always ${round(t.ms)} ms behind`;
}

export function registrySearch(answer: StudentCode<typeof Exercise>, policies: Record<Operation, Policy>, seed: number, tries: number): ShownSearch<RegistryCandidate> {
  return {
    space: registrySpace,
    first: [
      { seed, laggingMs: laggingMsFor(policies["serve-model"]) },
      { seed: (seed >>> 3) + 1 },
      { seed: (seed >>> 5) + 2, laggingMs: laggingMsFor(policies["serve-model"], 3), followers: 3 },
      { seed: (seed >>> 7) + 3, laggingMs: laggingMsFor(policies["serve-model"], 2), followers: 2 },
    ],
    tries,
    // Another seed is not a smaller case: the run of the one found is shrunk instead (shrinkShown).
    shrinkTries: 0,
    judge: (k, record) => judgeRegistry(k.seed, policies, ALL_INVARIANTS, record, freshly(answer), candidateRun(k)),
    shrinkShown: (k, record) => shrinkRegistry({ seed: k.seed, policies, which: ALL_INVARIANTS, answer: freshly(answer), runs: [candidateRun(k)] }, record),
    describe: (k) => {
      const run = trailingOf(candidateRun(k));
      return `the registry of seed ${k.seed}${run === undefined ? ", one follower slow for a while" : `, ${describeTrailing(run)}`}`;
    },
  };
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

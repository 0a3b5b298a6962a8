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
  type ScriptedOp,
  type SimConfig,
  type WriteOp,
} from "../../lib";
import { seenRank } from "../../lib/checkers/writeOrder";
import type * as Exercise from "../../exercises/03-model-registry";
import type { Recorder, Violation } from "../graded";
import { FunctionRef, type Plain } from "../sandbox/wire";
import type { RouteSource, StudentCode } from "../student";
import { describeOp, followerShare, fromChecker, pct, routedRun, SUBMISSION_ROUTER, unansweredRead } from "./routing.support";

/** The registry's operations, as the `purpose` of their reads. */
export const OPERATIONS = ["register-version", "promote", "serve-model", "list-versions", "read-audit-log"] as const;
export type Operation = (typeof OPERATIONS)[number];

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

/** The simulated registry for one seed, with `routing` for every read. */
export function registryConfig(seed: number, routing: RouterFn): SimConfig {
  const rng = stream(seed, "03/registry");
  const runMs = 2000;
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
    write(0.1, "registry", KEYS.audit, `v${n} registered by ${author}`, { afterOp: label });
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
    write(0, "registry", KEYS.audit, `v${newest} promoted by ${engineer}`, { afterOp: label });
    read(rng.next() < 0.5 ? 0 : 1, engineer, KEYS.production, "promote", { afterOp: label, label: `${label}:read-back` });
  }
  // Steady readers: serving nodes, dashboards and an auditor, each at its own pace.
  const steady = (clients: string[], key: string, purpose: Operation, everyMs: number) => {
    for (const client of clients) {
      for (let t = 5 + everyMs * rng.next(); t < runMs; t += everyMs * (0.8 + 0.4 * rng.next())) read(t, client, key, purpose);
    }
  };
  steady(names("server", 10 + randomInt(rng, 7)), KEYS.production, "serve-model", 10);
  steady(names("dashboard", 4 + randomInt(rng, 3)), KEYS.versions, "list-versions", 8);
  steady(["auditor"], KEYS.audit, "read-audit-log", 40);

  const slow = "ABC"[randomInt(rng, 3)];
  const slowFromMs = 300 + 400 * rng.next();
  return {
    seed,
    followers: 3,
    network: { toFollowerMs: exponential({ meanMs: 1 + 2 * rng.next() }) },
    // Other models' registry traffic keeps the replication stream busy.
    workload: { writesPerSec: 300 + randomInt(rng, 300), durationMs: runMs, keys: 100, script },
    reads: { readsPerSec: 0, routing },
    faults: [{ node: slow, kind: "slow", fromMs: slowFromMs, toMs: slowFromMs + 600 + 400 * rng.next(), factor: 25 + randomInt(rng, 26) }],
  };
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
): Promise<Violation | null> {
  const config = registryConfig(seed, SUBMISSION_ROUTER);
  const slow = config.faults![0];
  record("slowFollower", `${slow.node} ${slow.factor}x slower from ${round(slow.fromMs)} to ${round(slow.toMs!)} ms`);
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
  const run =
    compiled.size === OPERATIONS.length
      ? simulate({ ...config, reads: { ...config.reads, routing: (ctx) => compiled.get(ctx.purpose ?? "")!(ctx) } })
      : await routedRun(answer, config, { byPurpose }, compiled);
  record.run?.(run);
  const h = run.history;
  record("readsServedBy", run.readsServedBy);
  const unanswered = unansweredRead(h);
  if (unanswered) return unanswered;
  for (const invariant of which) {
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

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

/**
 * Read routing: which node serves a read, and what it must have applied first.
 *
 * A routing policy is data for the built-in ones, or a plain function for your own (the exercises
 * plug in here). Either way it sees the same `ReadContext` and returns a `ReadDecision`.
 */
import { checkOptions } from "./config/check";
import { ConfigError, checkNumber } from "./errors";
import { randomIndex } from "./rng";

/** What a router knows when a read arrives. */
export interface ReadContext {
  client: string;
  key: string;
  /** What the read is for, when the workload says (scripted reads' `purpose`, e.g. "serve-model"). */
  purpose?: string;
  /** Virtual time of the read, ms. */
  nowMs: number;
  /** The leader as this client currently knows it (may be stale during a failover). */
  leader: string;
  /** Every other node, with its state now. */
  followers: FollowerView[];
  /** What this client's session remembers. */
  session: Session;
  /** A seeded uniform number in (0, 1): use it rather than an unseeded source, so runs stay reproducible. */
  random(): number;
}

export interface FollowerView {
  name: string;
  /** False while the node is crashed or paused. */
  up: boolean;
  /** Log position (LSN) the node has applied: reads there see every write up to it. */
  appliedLsn: number;
  /** How far behind the leader it is, in ms (0 when caught up). */
  lagMs: number;
}

/** Per-client memory that a router may read and update (it persists across that client's reads). */
export interface Session {
  /** LSN of the client's last acknowledged write (0 if none yet). */
  lastWriteLsn: number;
  /** Highest LSN this client has seen in a read (0 if none): for monotonic reads. */
  lastReadLsn: number;
  /** The node that served this client's last read. */
  lastReadNode: string | null;
  /** Free slot for a router's own state, e.g. the follower a client sticks to. */
  sticky?: string;
}

/**
 * Where to send a read: a node's name, or a node plus a minimum position.
 * With `minLsn`, the node serves the read only once it has applied that position; until then it
 * forwards the read to the leader (`ifBehind: "leader"`, the default) or holds it (`"wait"`).
 */
export type ReadDecision = string | { node: string; minLsn?: number; ifBehind?: "leader" | "wait" };

export type RouterFn = (ctx: ReadContext) => ReadDecision;

export type ReadRouting =
  | { kind: "leader-only" }
  | { kind: "any-follower" }
  | { kind: "sticky-follower" }
  | { kind: "read-your-writes"; ifBehind: "leader" | "wait" }
  | { kind: "bounded-staleness"; maxLagMs: number }
  | RouterFn;

/** Every read goes to the leader: always fresh, and the leader carries all the read load. */
export function leaderOnly(): ReadRouting {
  return { kind: "leader-only" };
}

/** Each read goes to a random available follower: scales reads, but can be stale and go backwards. */
export function anyFollower(): ReadRouting {
  return { kind: "any-follower" };
}

/** Each client sticks to one follower (re-chosen if it fails): reads never go backwards in time. */
export function stickyFollower(): ReadRouting {
  return { kind: "sticky-follower" };
}

/**
 * Read-your-writes by log position: a random follower serves the read once it has applied the
 * client's last write; if it has not, the read goes to the leader (or waits, with `ifBehind: "wait"`).
 */
export function readYourWrites(o?: { ifBehind?: "leader" | "wait" }): ReadRouting {
  const ifBehind = o?.ifBehind ?? "leader";
  if (ifBehind !== "leader" && ifBehind !== "wait") throw new ConfigError("readYourWrites.ifBehind", ifBehind, 'it must be "leader" or "wait"');
  return { kind: "read-your-writes", ifBehind };
}

/** Reads go to a random follower at most `maxLagMs` behind, else to the leader. */
export function boundedStaleness(maxLagMs: number): ReadRouting {
  return { kind: "bounded-staleness", maxLagMs: checkNumber("boundedStaleness.maxLagMs", maxLagMs, 0, Infinity, "it must be a lag >= 0 ms") };
}

const ROUTING_KINDS: readonly string[] = ["leader-only", "any-follower", "sticky-follower", "read-your-writes", "bounded-staleness"];

/** True for a built-in routing policy given as data (an object whose kind is a routing's). */
export function isRoutingPolicy(value: unknown): value is Exclude<ReadRouting, RouterFn> {
  return value !== null && typeof value === "object" && ROUTING_KINDS.includes((value as { kind?: unknown }).kind as string);
}

const ROUTING_KEYS: Record<string, readonly string[]> = {
  "leader-only": ["kind"],
  "any-follower": ["kind"],
  "sticky-follower": ["kind"],
  "read-your-writes": ["kind", "ifBehind"],
  "bounded-staleness": ["kind", "maxLagMs"],
};

/**
 * Checks a routing policy given as data (from its helper or written by hand) as its helper does,
 * or a function; returns it. A ConfigError names `field` and what is wrong.
 */
export function checkRouting(r: unknown, field: string): ReadRouting {
  if (typeof r === "function") return r as RouterFn;
  if (!isRoutingPolicy(r)) {
    throw new ConfigError(field, r, "it must be leaderOnly(), anyFollower(), stickyFollower(), readYourWrites(), boundedStaleness(ms) or a function");
  }
  checkOptions(field, r, ROUTING_KEYS[r.kind]);
  if (r.kind === "read-your-writes" && r.ifBehind !== "leader" && r.ifBehind !== "wait") {
    throw new ConfigError(`${field}.ifBehind`, r.ifBehind, 'it must be "leader" or "wait"');
  }
  if (r.kind === "bounded-staleness") checkNumber(`${field}.maxLagMs`, r.maxLagMs, 0, Infinity, "it must be a lag >= 0 ms");
  return r;
}

/** A short name for tables and legends. */
export function routingName(r: ReadRouting | undefined): string {
  if (r === undefined) return "any-follower";
  if (typeof r === "function") return r.name ? `custom(${r.name})` : "custom";
  return r.kind === "bounded-staleness" ? `bounded-staleness(${r.maxLagMs} ms)` : r.kind === "read-your-writes" && r.ifBehind === "wait" ? "read-your-writes(wait)" : r.kind;
}

function randomUp(ctx: ReadContext): string | null {
  const up = ctx.followers.filter((f) => f.up);
  if (up.length === 0) return null;
  return up[randomIndex(ctx.random(), up.length)].name;
}

/** Turns a routing policy into a function. */
export function compileRouting(r: ReadRouting): RouterFn {
  if (typeof r === "function") return r;
  switch (r.kind) {
    case "leader-only":
      return (ctx) => ctx.leader;
    case "any-follower":
      return (ctx) => randomUp(ctx) ?? ctx.leader;
    case "sticky-follower":
      return (ctx) => {
        const s = ctx.session;
        const current = s.sticky === undefined ? undefined : ctx.followers.find((f) => f.name === s.sticky);
        if (current && current.up) return current.name;
        // Re-choose only when the sticky follower is gone; the new one may be behind the old,
        // which is why real systems also carry the last-seen position (see the exercises).
        const next = randomUp(ctx);
        if (next === null) return ctx.leader;
        s.sticky = next;
        return next;
      };
    case "read-your-writes":
      return (ctx) => {
        const node = randomUp(ctx);
        if (node === null) return ctx.leader;
        return { node, minLsn: ctx.session.lastWriteLsn, ifBehind: r.ifBehind };
      };
    case "bounded-staleness":
      return (ctx) => {
        const ok = ctx.followers.filter((f) => f.up && f.lagMs <= r.maxLagMs);
        if (ok.length === 0) return ctx.leader;
        return ok[randomIndex(ctx.random(), ok.length)].name;
      };
    default:
      throw new ConfigError("reads.routing", r, "it must be leaderOnly(), anyFollower(), stickyFollower(), readYourWrites(), boundedStaleness(ms) or a function");
  }
}

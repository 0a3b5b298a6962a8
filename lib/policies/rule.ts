/**
 * What an acknowledgement policy compiles to: a small rule object that the simulation's event loop
 * and its recurrence both consult, so neither ever asks which policy it runs.
 *
 * A rule says how many follower confirmations a commit needs, whose confirmations count (any
 * follower's, or an ordered priority list's, as PostgreSQL's `FIRST k (s1, s2, …)`), which step
 * of a follower's handling of an entry it confirms, and what happens when too few answer.
 */
import { ConfigError, checkNodeName, checkNumber } from "../errors";

/**
 * The step of a follower's handling of an entry that its acknowledgement confirms. A follower
 * receives an entry, writes it to its operating system, flushes it to disk, then applies it, in
 * that order (each step takes the follower's `writeMs`, `flushMs`, `applyMs`; writing and flushing
 * take no time unless configured, and then "receive", "write" and "flush" are the same moment).
 */
export type ConfirmStep =
  /** The entry arrived (and, with no write or flush time configured, is durable there). */
  | "receive"
  /** The follower handed it to its operating system: it survives the follower's crash, not its machine's (PostgreSQL `remote_write`). */
  | "write"
  /** The follower flushed it to disk (PostgreSQL `on`; a MySQL semi-sync replica, which acknowledges once its relay log is flushed). */
  | "flush"
  /** The follower applied it, so reads there see it (PostgreSQL `remote_apply`). */
  | "apply";

/** What a follower's acknowledgement means (the `on` option of every policy helper). */
export type AckOn = ConfirmStep;

/** Every step a follower can confirm, in the order a follower goes through them. */
export const CONFIRM_STEPS: readonly ConfirmStep[] = ["receive", "write", "flush", "apply"];

/** Options every acknowledgement policy takes. */
export interface AckOptions {
  /** What a follower acknowledges. Default "receive". */
  on?: AckOn;
  /**
   * If set, a write that has waited this long for followers is acknowledged anyway and the leader
   * degrades to async until the followers catch up, as MySQL semi-sync does after
   * `rpl_semi_sync_master_timeout`. If unset, or `Infinity`, writes wait as long as it takes (and
   * the run reports the stall).
   */
  fallbackAfterMs?: number;
}

/** The fields every policy carries, checked. */
export interface AckCommon {
  /** What a follower acknowledges. Default "receive". */
  on: AckOn;
  /** See `AckOptions.fallbackAfterMs`. */
  fallbackAfterMs?: number;
}

/** The keys every policy object may have besides its own. */
export const COMMON_KEYS = ["kind", "on", "fallbackAfterMs"] as const;

/** Checks the shared options and fills in their defaults. */
export function ackCommon(o: AckOptions | undefined, field: string): AckCommon {
  if (o !== undefined && (o === null || typeof o !== "object")) throw new ConfigError(field, o, "its options must be an object such as { on: \"apply\" }");
  const on = o?.on ?? "receive";
  if (!CONFIRM_STEPS.includes(on)) throw new ConfigError(`${field}.on`, on, `it must be ${CONFIRM_STEPS.map((s) => JSON.stringify(s)).join(", ")}`);
  const c: AckCommon = { on };
  if (o?.fallbackAfterMs !== undefined) {
    c.fallbackAfterMs = checkNumber(`${field}.fallbackAfterMs`, o.fallbackAfterMs, 0, Infinity, "it must be a timeout >= 0 ms");
  }
  return c;
}

/** The fallback a rule runs for `fallbackAfterMs`: none when it is unset or `Infinity` (never due). */
export function fallbackRule(fallbackAfterMs: number | undefined): { afterMs: number } | null {
  return fallbackAfterMs === undefined || fallbackAfterMs === Infinity ? null : { afterMs: fallbackAfterMs };
}

/** Who belongs to the cluster now, as a rule needs to know it (the simulation's world answers). */
export interface Membership {
  /** Nodes in the cluster, the initial leader included (index 0). */
  readonly n: number;
  /** The official leader: the node the coordinator last elected. */
  readonly leader: number;
  /** How many nodes follow `leader` now (they hold its epoch and do not believe they lead). */
  followerCount(leader: number): number;
}

/** What the leader does when too few followers answer. */
export interface AckFallback {
  /**
   * A write that waited this long is acknowledged anyway; the leader then acknowledges without
   * waiting until every write it holds is confirmed again (MySQL semi-sync's timeout).
   */
  afterMs: number;
}

/** A compiled acknowledgement policy. */
export interface AckRule {
  /** The policy's short name, as `policyName` gives it. */
  readonly name: string;
  /** The step of a follower that its confirmation stands for. */
  readonly confirmStep: ConfirmStep;
  /**
   * Whose confirmations count. `null`: any follower's. A list of node indices: a priority list;
   * the first `needed` listed nodes other than the leader itself must each confirm, and when the
   * list runs short (the leader was listed), any other followers make up the count.
   */
  readonly priority: readonly number[] | null;
  /** Confirmations the policy needs with the cluster as configured (before any failover); 0: it never waits. */
  readonly neededAtStart: number;
  /** Confirmations leader `leader` needs for a commit now; 0 when it needs none. */
  needed(leader: number, cluster: Membership): number;
  /** What happens when too few answer; null: writes wait as long as it takes. */
  readonly fallback: AckFallback | null;
}

/**
 * `needed` of a rule that needs the same number whoever leads. One function shared by every such
 * rule, not a closure per rule: the engines' call to it then has one target from run to run and
 * stays optimised.
 */
function neededAtStart(this: AckRule): number {
  return this.neededAtStart;
}

/** The rule of a policy that needs the same number of confirmations whoever leads. */
export function fixedRule(o: { name: string; common: AckCommon; needed: number; priority?: readonly number[] }): AckRule {
  const needed = o.needed;
  return {
    name: o.name,
    confirmStep: o.common.on,
    priority: o.priority ?? null,
    neededAtStart: needed,
    needed: neededAtStart,
    fallback: fallbackRule(o.common.fallbackAfterMs),
  };
}

/**
 * True when `acked` (the highest LSN each node confirmed to `leader`) holds the confirmations
 * `rule` needs for `lsn`. The event loop asks this as acknowledgements arrive.
 */
export function confirmed(rule: AckRule, acked: Int32Array, lsn: number, leader: number, needed: number, n: number): boolean {
  const list = rule.priority;
  if (list !== null) {
    let chosen = 0;
    for (let i = 0; i < list.length; i++) {
      const r = list[i];
      if (r === leader) continue;
      if (acked[r] < lsn) return false;
      if (++chosen === needed) return true;
    }
    // The list ran short (its leader was listed): any followers make up the count below.
  }
  let count = 0;
  for (let r = 0; r < n; r++) if (acked[r] >= lsn) count++;
  return count >= needed;
}

/**
 * When the confirmations of one write are all in, given when each follower's confirmation reaches
 * the initial leader (`arrivalMs[r]` for node r; every follower follows it). The recurrence asks
 * this once per write; `scratch` is a work buffer at least `n` long.
 */
export function confirmedAt(rule: AckRule, arrivalMs: Float64Array, scratch: Float64Array, n: number, needed: number): number {
  const list = rule.priority;
  if (list !== null) {
    // Node 0 leads and is never listed, so the first `needed` listed nodes are the ones waited for.
    let t = -Infinity;
    for (let i = 0; i < needed; i++) if (arrivalMs[list[i]] > t) t = arrivalMs[list[i]];
    return t;
  }
  for (let r = 1; r < n; r++) scratch[r - 1] = arrivalMs[r];
  return kthSmallest(scratch, n - 1, needed);
}

/** The k-th smallest (1-based) of the first `len` entries; `len` is a handful of followers. */
function kthSmallest(a: Float64Array, len: number, k: number): number {
  // Insertion sort of a prefix: fastest for the few followers a cluster has.
  for (let i = 1; i < len; i++) {
    const v = a[i];
    let j = i - 1;
    while (j >= 0 && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
  return a[k - 1];
}

/**
 * One acknowledgement policy: its kind as data, and how it is named, checked and compiled. Each
 * policy's file exports one of these; `lib/policies/index.ts` lists them.
 */
export interface AckPolicyKind<P extends { kind: string } & AckCommon> {
  readonly kind: P["kind"];
  /**
   * Checks a policy object as its helper does (whether the helper made it or it was written by
   * hand) and returns it complete; a ConfigError names the field (`field` is the policy's path).
   */
  check(raw: Record<string, unknown>, field: string): P;
  /** The policy's short name without its options, e.g. "quorum(2)". */
  label(p: P): string;
  /** Confirmations it asks for with `followers` followers, before any failover. */
  needs(p: P, followers: number): number;
  /**
   * Checks the policy against the cluster's nodes (`names[0]` is the initial leader) and compiles
   * its rule; a ConfigError names `field` when the cluster cannot serve it.
   */
  compile(p: P, names: readonly string[], field: string): AckRule;
}

/** The index of the follower called `name`; a ConfigError names `field` otherwise. */
export function followerIndex(names: readonly string[], name: unknown, field: string): number {
  const i = checkNodeName(field, name, names);
  if (i === 0) throw new ConfigError(field, names[0], "it must name a follower, not the leader");
  return i;
}

/**
 * Acknowledgement policies: when the leader tells a client its write is committed.
 *
 * Named as the lesson and real databases name them. Every policy first waits for the leader's own
 * local commit; the synchronous ones then also wait for followers.
 */
import { ConfigError, checkInteger, checkNumber } from "./errors";

/** What a follower's acknowledgement means. */
export type AckOn =
  /** The follower received the entry and made it durable (PostgreSQL `on` / `remote_write`, MySQL AFTER_SYNC). */
  | "receive"
  /** The follower applied it, so reads there see it (PostgreSQL `remote_apply`). */
  | "apply";

interface Common {
  /** What a follower acknowledges. Default "receive". */
  on: AckOn;
  /**
   * If set, a write that has waited this long for followers is acknowledged anyway and the leader
   * degrades to async until the followers catch up, as MySQL semi-sync does after
   * `rpl_semi_sync_master_timeout`. If unset, writes wait as long as it takes (and the run reports
   * the stall).
   */
  fallbackAfterMs?: number;
}

export type AckPolicy =
  | ({ kind: "async" } & Common)
  | ({ kind: "semi-sync"; follower?: string } & Common)
  | ({ kind: "quorum"; k: number } & Common)
  | ({ kind: "sync-all" } & Common);

export interface AckOptions {
  on?: AckOn;
  fallbackAfterMs?: number;
}

function common(o: AckOptions | undefined, field: string): Common {
  const on = o?.on ?? "receive";
  if (on !== "receive" && on !== "apply") throw new ConfigError(`${field}.on`, on, 'it must be "receive" or "apply"');
  const c: Common = { on };
  if (o?.fallbackAfterMs !== undefined) {
    c.fallbackAfterMs = checkNumber(`${field}.fallbackAfterMs`, o.fallbackAfterMs, 0, Infinity, "it must be a timeout >= 0 ms");
  }
  return c;
}

/** Acknowledge after the leader's local commit; followers catch up later. Fast, but a failover can lose writes. */
export function asyncAck(o?: AckOptions): AckPolicy {
  return { kind: "async", ...common(o, "ack") };
}

/** Wait for one follower: any one, or the named one (`{ follower: "A" }`). */
export function semiSync(o?: AckOptions & { follower?: string }): AckPolicy {
  const p: AckPolicy = { kind: "semi-sync", ...common(o, "ack") };
  if (o?.follower !== undefined) {
    if (typeof o.follower !== "string" || o.follower === "") {
      throw new ConfigError("ack.follower", o.follower, "it must be a follower's name, e.g. \"A\"");
    }
    p.follower = o.follower;
  }
  return p;
}

/** Wait for any `k` followers. */
export function quorum(k: number, o?: AckOptions): AckPolicy {
  return { kind: "quorum", k: checkInteger("ack.k", k, 0), ...common(o, "ack") };
}

/** Wait for every follower: no acknowledged write is lost while any follower survives, but one slow follower slows every write. */
export function syncAll(o?: AckOptions): AckPolicy {
  return { kind: "sync-all", ...common(o, "ack") };
}

/** A short name for tables and legends, e.g. "quorum(2)" or "semi-sync(A)". */
export function policyName(p: AckPolicy): string {
  const suffix = (p.on === "apply" ? ", on apply" : "") + (p.fallbackAfterMs !== undefined ? `, fallback ${p.fallbackAfterMs} ms` : "");
  const base =
    p.kind === "quorum" ? `quorum(${p.k})` : p.kind === "semi-sync" ? (p.follower ? `semi-sync(${p.follower})` : "semi-sync") : p.kind;
  return suffix ? `${base}${suffix.replace(/^, /, " [")}]` : base;
}

/** How many follower acknowledgements the policy needs with `n` followers (named semi-sync counts as 1). */
export function acksNeeded(p: AckPolicy, n: number): number {
  switch (p.kind) {
    case "async":
      return 0;
    case "semi-sync":
      return Math.min(1, n);
    case "quorum":
      return p.k;
    case "sync-all":
      return n;
  }
}

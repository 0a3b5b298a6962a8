/**
 * Who decides leadership, and how storage fences a deposed leader: the options, checked.
 *
 * Three ways to decide leadership (`failover.coordinator`):
 * - `"monitor"` (the default): one monitor, "M1", hears the leader's heartbeats and, after
 *   `detector.timeoutMs` of silence, promotes a follower it can reach. Nobody tells the old leader
 *   until `stepDownAfterMs` after it can hear again.
 * - `{ kind: "monitors", members: 3 }`: several monitors ("M1", "M2", …) each hear the heartbeats;
 *   a follower is promoted only once a majority of them suspect the leader. One monitor cut off or
 *   down changes nothing; the old leader is still not told.
 * - `{ kind: "lease", members: 3, leaseMs }`: a ZooKeeper/etcd-style lease. The leader holds a
 *   lease that it must renew through a majority of the members every `renewEveryMs`; a leader
 *   whose lease runs out stops taking writes at once, and a member grants the lease to a new
 *   leader only after the old lease has run out by its own clock. Two leaders never overlap (clocks
 *   are assumed not to drift), at a price: a majority must be reachable, and failover waits out
 *   the lease.
 *
 * Fencing (`failover.fencing`) models the storage every leader writes through, as storage sees
 * it: `storageNodes` storage nodes ("S1", …; keys are spread over them), each keeping the highest
 * fencing token (epoch) it has seen, from the writes it stored and from the coordinator's
 * announcement of each new epoch. A write whose token is lower is refused, and the refusal tells
 * the old leader it was deposed. A storage node that has not heard of the new epoch yet still
 * accepts the old leader's writes. `true` is one storage node, no network delay to it, told of
 * each new epoch the moment it is elected.
 */
import { checkDist, constant, type Dist } from "./dist";
import { checkOptions } from "./config/check";
import { ConfigError, checkInteger, checkNumber } from "./errors";

export type CoordinatorConfig =
  | "monitor"
  | { kind: "monitor" }
  | { kind: "monitors"; members?: number }
  | { kind: "lease"; members?: number; leaseMs?: number; renewEveryMs?: number };

export interface NormalizedCoordinator {
  kind: "monitor" | "monitors" | "lease";
  /** Member names: "M1", "M2", … */
  members: string[];
  /** For a lease: how long a grant lasts, and how often the leader renews it. */
  leaseMs: number;
  renewEveryMs: number;
}

export interface FencingConfig {
  /** Storage nodes the keys are spread over ("S1", "S2", …). Default 1. */
  storageNodes?: number;
  /** Delay of a message between a database node or the coordinator and a storage node. Default constant 0. */
  delayMs?: Dist;
  /** The coordinator tells every storage node of each new epoch when it elects a leader. Default true. */
  announce?: boolean;
}

export interface NormalizedFencing {
  storage: string[];
  delayMs: Dist;
  instant: boolean;
  announce: boolean;
}

/** Member names of a coordinator with `n` members. */
export function memberNames(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `M${i + 1}`);
}

export function normalizeCoordinator(value: unknown, timeoutMs: number): NormalizedCoordinator {
  const field = "failover.coordinator";
  const allowed = '"monitor", { kind: "monitors", members: 3 } or { kind: "lease", members: 3, leaseMs: 100 }';
  if (value === undefined || value === "monitor") return { kind: "monitor", members: memberNames(1), leaseMs: Infinity, renewEveryMs: Infinity };
  checkOptions(field, value, ["kind", "members", "leaseMs", "renewEveryMs"], `it must be ${allowed}`);
  const c = value as { kind?: unknown; members?: unknown; leaseMs?: unknown; renewEveryMs?: unknown };
  if (c.kind === "monitor") {
    if (c.members !== undefined && c.members !== 1) throw new ConfigError(`${field}.members`, c.members, 'a single monitor has one member; use { kind: "monitors", members: 3 } for several');
    return { kind: "monitor", members: memberNames(1), leaseMs: Infinity, renewEveryMs: Infinity };
  }
  if (c.kind !== "monitors" && c.kind !== "lease") throw new ConfigError(`${field}.kind`, c.kind, `it must be "monitor", "monitors" or "lease" (${allowed})`);
  const members = c.members === undefined ? 3 : checkInteger(`${field}.members`, c.members, 1, 99);
  if (c.kind === "monitors") {
    for (const key of ["leaseMs", "renewEveryMs"] as const) {
      if (c[key] !== undefined) throw new ConfigError(`${field}.${key}`, c[key], 'only a lease has it; monitors use failover.detector');
    }
    return { kind: "monitors", members: memberNames(members), leaseMs: Infinity, renewEveryMs: Infinity };
  }
  const leaseMs = c.leaseMs === undefined ? 2 * timeoutMs : checkNumber(`${field}.leaseMs`, c.leaseMs, 0.001, 1e9, "it must be a duration from 0.001 to 1e9 ms");
  const renewEveryMs =
    c.renewEveryMs === undefined ? leaseMs / 4 : checkNumber(`${field}.renewEveryMs`, c.renewEveryMs, 0.001, leaseMs, `it must be a period from 0.001 ms to the lease (${leaseMs} ms)`);
  return { kind: "lease", members: memberNames(members), leaseMs, renewEveryMs };
}

/** Storage node names of a fencing storage with `n` nodes. */
export function storageNames(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `S${i + 1}`);
}

export function normalizeFencing(value: unknown): NormalizedFencing | null {
  const field = "failover.fencing";
  if (value === undefined || value === false) return null;
  if (value === true) return { storage: storageNames(1), delayMs: constant(0), instant: true, announce: true };
  checkOptions(field, value, ["storageNodes", "delayMs", "announce"], "it must be true, false or { storageNodes, delayMs, announce }");
  const f = value as FencingConfig;
  const n = f.storageNodes === undefined ? 1 : checkInteger(`${field}.storageNodes`, f.storageNodes, 1, 64);
  const delayMs = f.delayMs === undefined ? constant(0) : checkDist(f.delayMs, `${field}.delayMs`);
  if (f.announce !== undefined && typeof f.announce !== "boolean") throw new ConfigError(`${field}.announce`, f.announce, "it must be true or false");
  return { storage: storageNames(n), delayMs, instant: delayMs.kind === "constant" && delayMs.valueMs === 0, announce: f.announce ?? true };
}

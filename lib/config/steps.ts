/**
 * The steps section of the configuration: when a leader sends an entry to its followers, and how
 * long a follower takes to write and flush it before applying it (per follower: `writeMs` and
 * `flushMs` beside its other options).
 *
 * Real systems differ in both. A leader can send an entry the moment it accepts the write, while it
 * makes the entry durable itself (a Raft leader may write its log in parallel with sending
 * AppendEntries); or only once its own commit is done: PostgreSQL's walsender sends only WAL the
 * primary has flushed. A follower then writes the entry to its operating system (PostgreSQL's
 * walreceiver answers `remote_write` here), flushes it to disk (`on`; a MySQL semi-sync replica
 * acknowledges here, once its relay log is flushed), and applies it (`remote_apply`):
 * `ack: … { on: "write" | "flush" | "apply" }` picks the step a follower's acknowledgement stands
 * for.
 *
 * Two steps of the leader's own: PostgreSQL's primary sends WAL as soon as it is flushed, while the
 * committing backend is still finishing its commit (`shipAfter: "local-flush"` with `leaderFlushMs`:
 * the entry leaves before the local commit, `leaderCommitMs`, is done); and a commit that waits for
 * standbys sleeps until the walsender has read their reply and woken it (`leaderWakeMs`: from the
 * confirmations reaching the leader to the leader replying). The defaults (send on accept, no
 * write, flush or wake-up time) are the simulator's original model.
 */
import { checkDist, constant, type Dist } from "../dist";
import { ConfigError } from "../errors";
import type { FollowerConfig } from "./types";

/**
 * When the leader sends an entry to its followers:
 * - "accept" (default): as soon as it accepts the write, in parallel with its local commit
 *   (`leaderCommitMs`), so a follower can have an entry before the leader has it durable;
 * - "local-commit": once its local commit is done, so replication starts after it;
 * - "local-flush": once its log is flushed (`leaderFlushMs` after it accepts the write, in log
 *   order), while the rest of its local commit goes on: PostgreSQL, whose walsender sends WAL the
 *   moment the committing backend has flushed it. The local commit is done `leaderCommitMs` after
 *   the accept, never before the flush.
 */
export type ShipAfter = "accept" | "local-commit" | "local-flush";

export const SHIP_AFTER: readonly ShipAfter[] = ["accept", "local-commit", "local-flush"];

/** The section's top-level options, and a follower's (checked for unknown keys with the others). */
export const STEPS_KEYS = ["shipAfter", "leaderFlushMs", "leaderWakeMs", "writeMs", "flushMs", "groupFlush"] as const;
export const FOLLOWER_STEPS_KEYS = ["writeMs", "flushMs"] as const;

/** The step options of the whole configuration. */
export interface StepsConfig {
  /** When the leader sends entries. Default "accept". */
  shipAfter?: ShipAfter;
  /**
   * With `shipAfter: "local-flush"` (and only then), the time from the leader accepting a write to
   * its log being flushed, when the entry leaves. Required with "local-flush".
   */
  leaderFlushMs?: Dist;
  /**
   * The time from a write's last needed confirmation reaching the leader to the leader replying
   * (PostgreSQL: the walsender reads the standby's reply, releases the waiting backend, and the
   * backend wakes up and finishes its commit). Only writes that wait for followers take it; a write
   * whose confirmations were in before its local commit was done replies with its local commit.
   * Default constant 0.
   */
  leaderWakeMs?: Dist;
  /** Default time a follower takes to write an entry to its operating system, after it arrives. Default constant 0. */
  writeMs?: Dist;
  /** Default time a follower takes to flush an entry to disk, once written. Default constant 0. */
  flushMs?: Dist;
  /**
   * false (default): a follower flushes its entries one at a time, in log order, each taking a
   * `flushMs` of its own, so entries that arrive during a slow flush queue behind it. true: one
   * flush covers every entry written before it starts, as PostgreSQL's walreceiver flushes all the
   * WAL it has written in one fsync (a group commit): entries written while a flush runs wait for
   * the next one, and are flushed together, in one `flushMs`.
   */
  groupFlush?: boolean;
}

/** A follower's own step times (each defaults to the configuration-wide one). */
export interface FollowerStepsConfig {
  writeMs?: Dist;
  flushMs?: Dist;
}

export interface NormalizedSteps {
  shipAfter: ShipAfter;
  /** Only with shipAfter "local-flush"; else null. */
  leaderFlushMs: Dist | null;
  leaderWakeMs: Dist;
  /** Per node index (index 0, the initial leader, gets the defaults: it follows after a failover). */
  writeMs: Dist[];
  flushMs: Dist[];
  groupFlush: boolean;
}

/**
 * Checks the step options of a configuration and its followers, and fills in the defaults.
 * `followers` is the configuration's own `followers` (a count or the followers' options), already
 * checked by the cluster's section.
 */
export function normalizeSteps(c: StepsConfig, followers: number | readonly FollowerConfig[] | undefined): NormalizedSteps {
  const shipAfter = c.shipAfter ?? "accept";
  if (!SHIP_AFTER.includes(shipAfter)) {
    throw new ConfigError("shipAfter", shipAfter, `it must be ${SHIP_AFTER.map((s) => JSON.stringify(s)).join(" or ")}`);
  }
  if (shipAfter === "local-flush" && c.leaderFlushMs === undefined) {
    throw new ConfigError("leaderFlushMs", undefined, 'shipAfter: "local-flush" needs it: the time from accepting a write to its log being flushed, e.g. leaderFlushMs: constant(0.5)');
  }
  if (shipAfter !== "local-flush" && c.leaderFlushMs !== undefined) {
    throw new ConfigError("leaderFlushMs", c.leaderFlushMs, 'it is the shipping point of shipAfter: "local-flush" only: add shipAfter: "local-flush", or remove it');
  }
  const leaderFlushMs = c.leaderFlushMs !== undefined ? checkDist(c.leaderFlushMs, "leaderFlushMs") : null;
  const leaderWakeMs = c.leaderWakeMs !== undefined ? checkDist(c.leaderWakeMs, "leaderWakeMs") : constant(0);
  const write = c.writeMs !== undefined ? checkDist(c.writeMs, "writeMs") : constant(0);
  const flush = c.flushMs !== undefined ? checkDist(c.flushMs, "flushMs") : constant(0);
  const writeMs = [write];
  const flushMs = [flush];
  const list: readonly FollowerConfig[] = typeof followers === "object" ? followers : Array.from({ length: followers ?? 2 }, () => ({}));
  list.forEach((f, i) => {
    writeMs.push(f.writeMs !== undefined ? checkDist(f.writeMs, `followers[${i}].writeMs`) : write);
    flushMs.push(f.flushMs !== undefined ? checkDist(f.flushMs, `followers[${i}].flushMs`) : flush);
  });
  if (c.groupFlush !== undefined && typeof c.groupFlush !== "boolean") throw new ConfigError("groupFlush", c.groupFlush, "it must be true or false");
  return { shipAfter, leaderFlushMs, leaderWakeMs, writeMs, flushMs, groupFlush: c.groupFlush ?? false };
}

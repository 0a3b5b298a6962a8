/** The standby settings the lab measures under, and the labels its cases carry. */
import type { SyncCommitLevel } from "../lib/pg-compare";
import type { SyncState } from "./cluster";

export interface StandbySetting {
  /** synchronous_standby_names */
  names: string;
  /** What pg_stat_replication.sync_state must show before measuring. */
  expect: Partial<Record<"s1" | "s2", SyncState>>;
  /** Short form for labels. */
  short: string;
}

export const FIRST1: StandbySetting = { names: "FIRST 1 (s1, s2)", expect: { s1: "sync", s2: "potential" }, short: "FIRST 1" };
export const ANY1: StandbySetting = { names: "ANY 1 (s1, s2)", expect: { s1: "quorum", s2: "quorum" }, short: "ANY 1" };
export const FIRST2: StandbySetting = { names: "FIRST 2 (s1, s2)", expect: { s1: "sync", s2: "sync" }, short: "FIRST 2" };
export const NONE: StandbySetting = { names: "", expect: { s1: "async", s2: "async" }, short: "async" };
export const ONLY_S1: StandbySetting = { names: "FIRST 1 (s1)", expect: { s1: "sync", s2: "async" }, short: "FIRST 1 (s1)" };
export const ONLY_S2: StandbySetting = { names: "FIRST 1 (s2)", expect: { s1: "async", s2: "sync" }, short: "FIRST 1 (s2)" };

export const ALL_LEVELS: readonly SyncCommitLevel[] = ["off", "local", "remote_write", "on", "remote_apply"];

export interface CaseSetting {
  standbys: StandbySetting;
  level: SyncCommitLevel;
  proxyDelayMs: number;
  applyDelayMs: number;
}

/** e.g. "FIRST 1 · on · s1 +5 ms". */
export function caseLabel(item: CaseSetting): string {
  const parts = [item.standbys.short, item.level];
  if (item.proxyDelayMs > 0) parts.push(`s1 +${item.proxyDelayMs} ms`);
  if (item.applyDelayMs > 0) parts.push(`s1 applies ${item.applyDelayMs} ms late`);
  return parts.join(" · ");
}

/** A duration for a table: two decimals below 10 ms, one above. */
export function fmt(ms: number): string {
  return ms.toFixed(ms < 10 ? 2 : 1).padStart(6);
}

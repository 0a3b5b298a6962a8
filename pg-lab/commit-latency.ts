/**
 * Commit latency for each synchronous_commit level and standby setting, with and without delay
 * on s1's link: one client, sequential autocommit INSERTs, timed from send to reply.
 */
import type pg from "pg";
import { summarizeLatencies, type LatencySummary, type SyncCommitLevel } from "../lib/pg-compare";
import { endClient, type Cluster, type SyncState } from "./cluster";
import type { MeasuredLatencyCase, WalSyncStats } from "./results";

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

export interface LatencyPlanItem {
  standbys: StandbySetting;
  level: SyncCommitLevel;
  proxyDelayMs: number;
  applyDelayMs: number;
}

export function caseLabel(item: LatencyPlanItem): string {
  const parts = [item.standbys.short, item.level];
  if (item.proxyDelayMs > 0) parts.push(`s1 +${item.proxyDelayMs} ms`);
  if (item.applyDelayMs > 0) parts.push(`s1 applies ${item.applyDelayMs} ms late`);
  return parts.join(" · ");
}

/** The measured settings. Each level under FIRST 1, then the quorum forms, each without and with delay. */
export function latencyPlan(delayMs: number, applyDelayMs: number): LatencyPlanItem[] {
  const plan: LatencyPlanItem[] = [];
  for (const proxyDelayMs of [0, delayMs]) {
    for (const level of ["off", "local", "remote_write", "on", "remote_apply"] as const) {
      plan.push({ standbys: FIRST1, level, proxyDelayMs, applyDelayMs: 0 });
    }
    for (const standbys of [ANY1, FIRST2]) plan.push({ standbys, level: "on", proxyDelayMs, applyDelayMs: 0 });
  }
  // A standby slow to apply: `on` does not wait for apply, remote_apply does.
  for (const level of ["on", "remote_apply"] as const) {
    plan.push({ standbys: FIRST1, level, proxyDelayMs: 0, applyDelayMs });
  }
  return plan;
}

const WARMUP_COMMITS = 10;

/** Client-side latency of `count` sequential calls of `op`, in ms. */
export async function timeEach(count: number, op: (i: number) => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = process.hrtime.bigint();
    await op(i);
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return samples;
}

export async function prepareLatencyTable(cluster: Cluster): Promise<void> {
  await cluster.exec("primary", "CREATE TABLE IF NOT EXISTS lab_commits (id bigserial PRIMARY KEY, payload text NOT NULL)");
}

function insert(client: pg.Client, i: number): Promise<unknown> {
  return client.query({ name: "lab-commit", text: "INSERT INTO lab_commits (payload) VALUES ($1)", values: [`commit ${i}`] });
}

/** Round trip of SELECT 1 to the primary: the client's and the loopback network's share of every latency. */
export async function measureRoundTrip(cluster: Cluster, count: number): Promise<LatencySummary> {
  const client = await cluster.connect("primary", "pg-lab-roundtrip");
  try {
    await timeEach(WARMUP_COMMITS, () => client.query({ name: "lab-ping", text: "SELECT 1" }));
    return summarizeLatencies(await timeEach(count, () => client.query({ name: "lab-ping", text: "SELECT 1" })));
  } finally {
    await endClient(client);
  }
}

export interface LatencyRun {
  cases: MeasuredLatencyCase[];
  /** Realised proxy delays during the delayed cases. */
  proxyToStandbyMs: number[];
  proxyToPrimaryMs: number[];
}

/** Runs the plan in order, changing only what differs from the previous item. */
export async function measureCommitLatency(
  cluster: Cluster,
  plan: LatencyPlanItem[],
  commits: number,
  log: (line: string) => void,
  /** Called between cases: throws to stop early. */
  checkpoint: () => void = () => undefined,
): Promise<LatencyRun> {
  await prepareLatencyTable(cluster);
  const client = await cluster.connect("primary", "pg-lab-writer");
  const run: LatencyRun = { cases: [], proxyToStandbyMs: [], proxyToPrimaryMs: [] };
  let standbyNames: string | null = null;
  let applyDelayMs = 0;
  try {
    for (const item of plan) {
      checkpoint();
      if (item.standbys.names !== standbyNames) {
        await cluster.setSyncStandbys(item.standbys.names, item.standbys.expect);
        standbyNames = item.standbys.names;
      }
      if (item.applyDelayMs !== applyDelayMs) {
        await cluster.setParameter("s1", "recovery_min_apply_delay", `${item.applyDelayMs}ms`);
        applyDelayMs = item.applyDelayMs;
      }
      cluster.proxy.setDelayMs(item.proxyDelayMs);
      await client.query(`SET synchronous_commit TO ${item.level}`);
      // Lets the new delay reach the link and the connection's caches warm up.
      await timeEach(WARMUP_COMMITS, (i) => insert(client, i));
      if (item.proxyDelayMs > 0) cluster.proxy.startRecording();
      const syncsBefore = await walSyncCounters(cluster, client);
      const samples = await timeEach(commits, (i) => insert(client, i));
      const syncsAfter = await walSyncCounters(cluster, client);
      if (item.proxyDelayMs > 0) {
        const realised = cluster.proxy.stopRecording();
        run.proxyToStandbyMs.push(...realised.toStandby);
        run.proxyToPrimaryMs.push(...realised.toPrimary);
      }
      const latency = summarizeLatencies(samples);
      const label = caseLabel(item);
      run.cases.push({
        label,
        standbyNames: item.standbys.names,
        level: item.level,
        proxyDelayMs: item.proxyDelayMs,
        applyDelayMs: item.applyDelayMs,
        latency,
        walSync: walSyncBetween(syncsBefore, syncsAfter),
      });
      const walSync = run.cases[run.cases.length - 1].walSync;
      const fsync = walSync && walSync.syncs > 0 ? `  (primary fsync ${fmt(walSync.meanMs)} ms)` : "";
      log(`  ${label.padEnd(50)} p50 ${fmt(latency.p50Ms)}  p90 ${fmt(latency.p90Ms)}  p99 ${fmt(latency.p99Ms)} ms${fsync}`);
    }
  } finally {
    cluster.proxy.setDelayMs(0);
    if (applyDelayMs !== 0) await cluster.setParameter("s1", "recovery_min_apply_delay", "0");
    await endClient(client);
  }
  return run;
}

interface WalSyncCounters {
  syncs: number;
  totalMs: number;
}

/**
 * pg_stat_wal's fsync counters, with the writer's own pending counts included: a backend hands its
 * statistics over at most once a second unless asked to (pg_stat_force_next_flush, PostgreSQL 15),
 * and then does so before it answers. Null on older servers.
 */
async function walSyncCounters(cluster: Cluster, writer: pg.Client): Promise<WalSyncCounters | null> {
  if (cluster.pg.version < 15) return null;
  await writer.query("SELECT pg_stat_force_next_flush()");
  const row = (await cluster.exec("primary", "SELECT wal_sync, wal_sync_time FROM pg_stat_wal")).rows[0];
  return { syncs: Number(row.wal_sync), totalMs: Number(row.wal_sync_time) };
}

function walSyncBetween(before: WalSyncCounters | null, after: WalSyncCounters | null): WalSyncStats | null {
  if (!before || !after) return null;
  const syncs = after.syncs - before.syncs;
  const totalMs = Math.round((after.totalMs - before.totalMs) * 1000) / 1000;
  return { syncs, totalMs, meanMs: syncs > 0 ? Math.round((totalMs / syncs) * 1000) / 1000 : 0 };
}

export function fmt(ms: number): string {
  return ms.toFixed(ms < 10 ? 2 : 1).padStart(6);
}

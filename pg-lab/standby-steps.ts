/**
 * The standby's own steps: after receiving WAL, a standby writes it to its operating system, then
 * flushes it to disk, then replays it; `remote_write`, `on` and `remote_apply` wait for one of these
 * each. PostgreSQL times them itself: for every reply from a standby, the primary sets
 * pg_stat_replication's write_lag, flush_lag and replay_lag to the time since it sent the WAL that
 * reply confirms. A commit that waits for a step has seen that step's reply, so the lags read right
 * after it belong to that commit.
 */
import type pg from "pg";
import { summarizeLatencies } from "../lib/pg-compare";
import { endClient, type Cluster } from "./cluster";
import type { LagReadings, StandbyStepsCase } from "./results";

const PLAN = [
  { standby: "s1", label: "s1 (via the proxy, no delay)" },
  { standby: "s2", label: "s2 (direct)" },
] as const;

const WARMUP_COMMITS = 10;

interface LagRow {
  write_ms: string | null;
  flush_ms: string | null;
  replay_ms: string | null;
  sync_state: string;
}

/**
 * The commit and the read of its lags in one simple-query message: the read runs inside the server
 * right after the commit returns, before a later reply can clear the lags.
 */
async function commitAndReadLags(client: pg.Client, standby: string, id: number): Promise<LagRow | undefined> {
  const results = (await client.query(
    `INSERT INTO lab_steps (id) VALUES (${id});` +
      " SELECT extract(epoch FROM write_lag) * 1000 AS write_ms, extract(epoch FROM flush_lag) * 1000 AS flush_ms," +
      " extract(epoch FROM replay_lag) * 1000 AS replay_ms, sync_state" +
      ` FROM pg_stat_replication WHERE application_name = '${standby}'`,
  )) as unknown as pg.QueryResult[];
  return results[1].rows[0] as LagRow | undefined;
}

async function readLags(cluster: Cluster, standby: string, level: LagReadings["level"], commits: number, firstId: number): Promise<LagReadings> {
  const client = await cluster.connect("primary", "pg-lab-steps");
  try {
    await client.query(`SET synchronous_commit TO ${level}`);
    let id = firstId;
    for (let i = 0; i < WARMUP_COMMITS; i++) await commitAndReadLags(client, standby, id++);
    const write: number[] = [];
    const flush: number[] = [];
    const replay: number[] = [];
    const flushStep: number[] = [];
    const replayStep: number[] = [];
    let cleared = 0;
    for (let i = 0; i < commits; i++) {
      const row = await commitAndReadLags(client, standby, id++);
      if (!row) throw new Error(`${standby} is missing from pg_stat_replication: it stopped streaming`);
      if (row.sync_state !== "sync") throw new Error(`${standby} is ${row.sync_state}, not the synchronous standby, while its steps are timed`);
      if (row.write_ms === null || row.flush_ms === null || row.replay_ms === null) {
        cleared++;
        replayStep.push(0);
        continue;
      }
      const [w, f, r] = [Number(row.write_ms), Number(row.flush_ms), Number(row.replay_ms)];
      write.push(w);
      flush.push(f);
      replay.push(r);
      flushStep.push(Math.max(0, f - w));
      replayStep.push(Math.max(0, r - f));
    }
    return {
      level,
      commits,
      cleared,
      writeLagMs: summarizeLatencies(write),
      flushLagMs: summarizeLatencies(flush),
      replayLagMs: summarizeLatencies(replay),
      flushStepMs: summarizeLatencies(flushStep),
      replayStepMs: summarizeLatencies(replayStep),
    };
  } finally {
    await endClient(client);
  }
}

export async function measureStandbySteps(cluster: Cluster, commits: number, log: (line: string) => void): Promise<StandbyStepsCase[]> {
  await cluster.exec("primary", "CREATE TABLE IF NOT EXISTS lab_steps (id bigint)");
  cluster.proxy.setDelayMs(0);
  const cases: StandbyStepsCase[] = [];
  let nextId = 1;
  for (const item of PLAN) {
    const standbyNames = `FIRST 1 (${item.standby})`;
    const other = item.standby === "s1" ? "s2" : "s1";
    await cluster.setSyncStandbys(standbyNames, { [item.standby]: "sync", [other]: "async" });
    if (item.standby === "s1") cluster.proxy.startRecording();
    let on: LagReadings, remoteApply: LagReadings, proxy;
    try {
      on = await readLags(cluster, item.standby, "on", commits, nextId);
      nextId += commits + WARMUP_COMMITS;
      remoteApply = await readLags(cluster, item.standby, "remote_apply", commits, nextId);
      nextId += commits + WARMUP_COMMITS;
    } finally {
      proxy = item.standby === "s1" ? cluster.proxy.stopRecording() : null;
    }
    const result: StandbyStepsCase = {
      label: item.label,
      standby: item.standby,
      standbyNames,
      on,
      remoteApply,
      proxy: proxy && { toStandby: summarizeLatencies(proxy.toStandby), toPrimary: summarizeLatencies(proxy.toPrimary) },
    };
    cases.push(result);
    const ms = (s: { p50Ms: number }) => s.p50Ms.toFixed(3);
    log(
      `  ${item.label.padEnd(50)} p50 write_lag ${ms(on.writeLagMs)}, then flush ${ms(on.flushStepMs)}, replay ${ms(remoteApply.replayStepMs)} ms` +
        ` (${remoteApply.cleared} of ${commits} replayed before the flush was reported)`,
    );
  }
  return cases;
}

/**
 * The standby's own steps: after receiving WAL, a standby writes it to its operating system, then
 * flushes it to disk, then replays it; `remote_write`, `on` and `remote_apply` wait for one of these
 * each. PostgreSQL times them itself: for every reply from a standby, the primary sets
 * pg_stat_replication's write_lag, flush_lag and replay_lag to the time since it sent the WAL that
 * reply confirms. With `remote_apply`, the standby replies after each step of every commit, so the
 * three lags read right after a commit all belong to that commit.
 */
import type pg from "pg";
import { summarizeLatencies } from "../lib/pg-compare";
import { endClient, type Cluster } from "./cluster";
import type { StandbyStepsCase } from "./results";

interface Plan {
  standby: "s1" | "s2";
  label: string;
}

const PLAN: Plan[] = [
  { standby: "s1", label: "s1 (via the proxy, no delay) · remote_apply" },
  { standby: "s2", label: "s2 (direct) · remote_apply" },
];

const WARMUP_COMMITS = 10;

/**
 * The commit and the read of its lags in one simple-query message: the read runs inside the server
 * right after the commit returns, before any later reply can clear the lags.
 */
function commitAndReadLags(client: pg.Client, standby: string, i: number): Promise<pg.QueryResult[]> {
  return client.query(
    `INSERT INTO lab_steps (id) VALUES (${i});` +
      " SELECT extract(epoch FROM write_lag) * 1000 AS write_ms, extract(epoch FROM flush_lag) * 1000 AS flush_ms," +
      " extract(epoch FROM replay_lag) * 1000 AS replay_ms, replay_lsn >= pg_current_wal_flush_lsn() AS replayed" +
      ` FROM pg_stat_replication WHERE application_name = '${standby}'`,
  ) as unknown as Promise<pg.QueryResult[]>;
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
    const client = await cluster.connect("primary", "pg-lab-steps");
    try {
      await client.query("SET synchronous_commit TO remote_apply");
      for (let i = 0; i < WARMUP_COMMITS; i++) await commitAndReadLags(client, item.standby, nextId++);
      if (item.standby === "s1") cluster.proxy.startRecording();
      const write: number[] = [];
      const flush: number[] = [];
      const replay: number[] = [];
      const flushStep: number[] = [];
      const replayStep: number[] = [];
      let cleared = 0;
      for (let i = 0; i < commits; i++) {
        const [, lags] = await commitAndReadLags(client, item.standby, nextId++);
        const row = lags.rows[0] as { write_ms: string | null; flush_ms: string | null; replay_ms: string | null; replayed: boolean } | undefined;
        if (!row) throw new Error(`${item.standby} is missing from pg_stat_replication: it stopped streaming`);
        if (!row.replayed) throw new Error(`a remote_apply commit returned before ${item.standby} replayed it: ${item.standby} is not the synchronous standby`);
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
      const proxy = item.standby === "s1" ? cluster.proxy.stopRecording() : null;
      const result: StandbyStepsCase = {
        label: item.label,
        standby: item.standby,
        standbyNames,
        level: "remote_apply",
        commits,
        cleared,
        writeLagMs: summarizeLatencies(write),
        flushLagMs: summarizeLatencies(flush),
        replayLagMs: summarizeLatencies(replay),
        flushStepMs: summarizeLatencies(flushStep),
        replayStepMs: summarizeLatencies(replayStep),
        proxy: proxy && { toStandby: summarizeLatencies(proxy.toStandby), toPrimary: summarizeLatencies(proxy.toPrimary) },
      };
      cases.push(result);
      const p50 = (s: { p50Ms: number }) => s.p50Ms.toFixed(3);
      log(
        `  ${item.label.padEnd(50)} p50 write_lag ${p50(result.writeLagMs)}, flush ${p50(result.flushStepMs)}, replay ${p50(result.replayStepMs)} ms` +
          (cleared > 0 ? ` (${cleared} replayed before the flush was reported)` : ""),
      );
    } finally {
      if (item.standby === "s1") cluster.proxy.stopRecording();
      await endClient(client);
    }
  }
  return cases;
}

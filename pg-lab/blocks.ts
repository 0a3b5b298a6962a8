/**
 * What the lab measures on one cluster, in blocks of cases that share a standby setting: commit
 * latency, reads on s1 right after a commit, the standbys' own steps, and the path from a commit to
 * a read on s1.
 *
 * Within a block the cases take turns, a few commits each, instead of one case after the other: on
 * a machine whose load changes from second to second, cases measured a minute apart are not
 * comparable, and the simulator is fed what one case measured (the primary's commit time, the
 * standby's steps) to predict another. Each turn starts with one unmeasured commit, so every
 * measured commit follows one of its own case, as in a run of that case alone.
 */
import type pg from "pg";
import { summarizeLatencies, type LatencySummary, type StaleReadCase, type SyncCommitLevel } from "../lib/pg-compare";
import { endClient, type Cluster } from "./cluster";
import type { BlockStepsCase, LatencyCase, StandbyStepsCase, WalSyncStats } from "./results";
import { ALL_LEVELS, ANY1, caseLabel, FIRST1, FIRST2, fmt, ONLY_S2, type StandbySetting } from "./settings";
import { StepRecorder, StepTimer, type TimedStandby } from "./standby-steps";

export interface Block {
  standbys: StandbySetting;
  /** One-way delay the proxy adds on s1's link. */
  proxyDelayMs: number;
  /** recovery_min_apply_delay on s1. */
  applyDelayMs: number;
  /** Levels whose commit latency is timed. */
  latency: readonly SyncCommitLevel[];
  /** Levels whose commits are followed at once by a read on s1. */
  stale: readonly SyncCommitLevel[];
  /**
   * Time commits step by step: of local, remote_write, on and remote_apply with this standby
   * synchronous; or ("both") of local and on with both standbys synchronous; or ("releasing") of
   * `on` on the standby that releases a delayed block's commits, in turns with its latency cases.
   */
  steps: "s1" | "s2" | "both" | { releasing: "s1" | "s2" } | null;
  /** Time the path from a finished commit to the start of a read on s1. */
  readPath: boolean;
  /** Time SELECT 1 round trips to the primary, directly and through s1's proxy. */
  pings: boolean;
}

const block = (standbys: StandbySetting, proxyDelayMs: number, rest: Partial<Block>): Block => ({
  standbys,
  proxyDelayMs,
  applyDelayMs: 0,
  latency: [],
  stale: [],
  steps: null,
  readPath: false,
  pings: false,
  ...rest,
});

/**
 * The blocks, in an order that changes the cluster's settings least. Cases come out in this order:
 * each level under FIRST 1, then ANY 1 and FIRST 2, without and then with the delay on s1's link;
 * then s1 replaying late; stale reads with their block.
 */
export function labPlan(delayMs: number, applyDelayMs: number): Block[] {
  return [
    block(FIRST1, 0, { latency: ALL_LEVELS, stale: ["local", "remote_write", "on", "remote_apply"], steps: "s1", readPath: true, pings: true }),
    block(ANY1, 0, { latency: ["on"] }),
    block(FIRST2, 0, { latency: ["on"], steps: "both" }),
    // With delay both ways, the acknowledgement's trip back gives s1 time to apply: staleness hides.
    block(FIRST1, delayMs, { latency: ALL_LEVELS, stale: ["remote_write"] }),
    // s2 releases these commits, s1's answer coming 5 ms later: its steps timed here (blockSteps).
    block(ANY1, delayMs, { latency: ["on"], steps: { releasing: "s2" } }),
    block(FIRST2, delayMs, { latency: ["on"] }),
    // A standby slow to apply: `on` does not wait for apply, remote_apply does.
    block(FIRST1, 0, { applyDelayMs, latency: ["on", "remote_apply"], steps: { releasing: "s1" } }),
    block(ONLY_S2, 0, { steps: "s2" }),
  ];
}

/** Measured commits per turn, after the turn's unmeasured first one. */
const TURN = 10;
/** Unmeasured commits per case when a block starts: connections and caches warm up. */
const WARMUP = 10;

const STEP_LABELS = { s1: "s1 (via the proxy, no delay)", s2: "s2 (direct)" } as const;
const STEP_LEVELS = ["local", "remote_write", "on", "remote_apply"] as const;
/** With both standbys synchronous, the levels the comparison uses: the primary's shipping and `on`. */
const BOTH_LEVELS = ["local", "on"] as const;
/** The releasing standby of a delayed block: the level its latency cases compare. */
const RELEASING_LEVELS = ["on"] as const;

export interface Measured {
  latency: LatencyCase[];
  staleReads: StaleReadCase[];
  standbySteps: StandbyStepsCase[];
  bothSyncSteps: StandbyStepsCase[];
  blockSteps: BlockStepsCase[];
  /** From the primary finishing a commit to a read starting on s1, per trial. */
  readPathMs: number[];
  /** SELECT 1 round trips to the primary, directly and through s1's proxy (with no delay). */
  roundTripMs: number[];
  roundTripViaProxyMs: number[];
  /** Realised proxy delays during the delayed blocks. */
  proxyToStandbyMs: number[];
  proxyToPrimaryMs: number[];
}

interface Member {
  quota: number;
  done: number;
  /** One commit (and whatever goes with it); counted only when `measured`. */
  run(measured: boolean): Promise<void>;
}

export interface BlockSizes {
  commits: number;
  trials: number;
}

export async function measureBlocks(
  cluster: Cluster,
  plan: Block[],
  sizes: BlockSizes,
  log: (line: string) => void,
  checkpoint: () => void = () => undefined,
): Promise<Measured> {
  await cluster.exec(
    "primary",
    "CREATE TABLE IF NOT EXISTS lab_commits (id bigserial PRIMARY KEY, payload text NOT NULL);" +
      " CREATE TABLE IF NOT EXISTS lab_reads (id bigint PRIMARY KEY); CREATE TABLE IF NOT EXISTS lab_steps (id bigint);" +
      // A stale-read trial's read on a standby: where its walreceiver and startup process are, then
      // the read, with a snapshot of its own taken after those positions (each query of a volatile
      // function takes one), then when it ran. One call, so the read starts as soon as a plain
      // query would.
      " CREATE OR REPLACE FUNCTION lab_read(wanted bigint, OUT written text, OUT flushed text, OUT replayed text, OUT seen boolean, OUT t numeric)" +
      " LANGUAGE plpgsql VOLATILE AS $$ BEGIN" +
      " SELECT r.written_lsn::text, r.flushed_lsn::text, pg_last_wal_replay_lsn()::text INTO written, flushed, replayed FROM pg_stat_wal_receiver r;" +
      " seen := EXISTS (SELECT 1 FROM lab_reads WHERE id = wanted);" +
      " t := extract(epoch FROM clock_timestamp());" +
      " END $$",
  );
  await cluster.waitForReplay("s1");
  const measured: Measured = {
    latency: [],
    staleReads: [],
    standbySteps: [],
    bothSyncSteps: [],
    blockSteps: [],
    readPathMs: [],
    roundTripMs: [],
    roundTripViaProxyMs: [],
    proxyToStandbyMs: [],
    proxyToPrimaryMs: [],
  };
  const ids = { next: 1 };
  let standbyNames: string | null = null;
  let applyDelayMs = 0;
  try {
    for (const b of plan) {
      checkpoint();
      if (b.standbys.names !== standbyNames) {
        await cluster.setSyncStandbys(b.standbys.names, b.standbys.expect);
        standbyNames = b.standbys.names;
      }
      if (b.applyDelayMs !== applyDelayMs) {
        await cluster.setParameter("s1", "recovery_min_apply_delay", `${b.applyDelayMs}ms`);
        applyDelayMs = b.applyDelayMs;
      }
      cluster.proxy.setDelayMs(b.proxyDelayMs);
      await runBlock(cluster, b, sizes, ids, measured, log);
    }
  } finally {
    cluster.proxy.setDelayMs(0);
    if (applyDelayMs !== 0) await cluster.setParameter("s1", "recovery_min_apply_delay", "0");
  }
  return measured;
}

async function runBlock(cluster: Cluster, b: Block, sizes: BlockSizes, ids: { next: number }, out: Measured, log: (line: string) => void): Promise<void> {
  // Every block with latency cases also times local commits: the primary's own commit time under
  // the same load, which the simulator takes for its leader (LatencyCase.local).
  const latencyLevels: SyncCommitLevel[] = b.latency.length > 0 && !b.latency.includes("local") ? [...b.latency, "local"] : [...b.latency];
  const levels = new Set<SyncCommitLevel>([...latencyLevels, ...b.stale]);
  const releasing = b.steps !== null && typeof b.steps === "object" ? b.steps.releasing : null;
  const stepLevels = b.steps === "both" ? BOTH_LEVELS : releasing ? RELEASING_LEVELS : b.steps ? STEP_LEVELS : [];
  for (const level of stepLevels) levels.add(level);
  if (b.readPath) levels.add("local");
  const writers = new Map<SyncCommitLevel, pg.Client>();
  const clients: pg.Client[] = [];
  try {
    for (const level of levels) {
      const client = await cluster.connect("primary", `pg-lab-${level}`);
      clients.push(client);
      await client.query(`SET synchronous_commit TO ${level}`);
      writers.set(level, client);
    }
    const reader = b.stale.length > 0 || b.readPath ? await cluster.connect("s1", "pg-lab-reader") : null;
    if (reader) clients.push(reader);
    const writer = (level: SyncCommitLevel) => writers.get(level)!;

    const members: Member[] = [];
    const latencySamples = latencyLevels.map((level) => {
      const samples: number[] = [];
      let seq = 0;
      members.push({
        quota: sizes.commits,
        done: 0,
        async run(measured) {
          const start = process.hrtime.bigint();
          await writer(level).query({ name: "lab-commit", text: "INSERT INTO lab_commits (payload) VALUES ($1)", values: [`${level} ${seq++}`] });
          if (measured) samples.push(Number(process.hrtime.bigint() - start) / 1e6);
        },
      });
      return samples;
    });
    const staleCounts = b.stale.map((level) => {
      const count = { trials: 0, stale: 0, because: { notWritten: 0, notFlushed: 0, notReplayed: 0 }, readPathMs: [] as number[] };
      members.push({
        quota: sizes.trials,
        done: 0,
        async run(measured) {
          const id = ids.next++;
          // The commit's end on the primary's clock, read in the same message right after it (the
          // explicit COMMIT makes the clock run after the commit, not inside its transaction).
          const [, , , done] = (await writer(level).query(
            `BEGIN; INSERT INTO lab_reads (id) VALUES (${id}); COMMIT; SELECT extract(epoch FROM clock_timestamp()) AS t`,
          )) as unknown as pg.QueryResult[];
          // Where s1's walreceiver and startup process were just before the read, then the read and
          // when it ran (lab_read, above): the read's snapshot comes after the positions. A read
          // that misses the commit therefore finds it not replayed in those positions too (s1
          // replays a commit before its snapshots can see it), so each stale read falls in one of
          // the counts below. Read in the read's own statement, after its snapshot, the positions
          // could already show the commit replayed.
          const seen = await reader!.query({ name: "lab-read", text: "SELECT * FROM lab_read($1)", values: [id] });
          if (!measured) return;
          count.trials++;
          count.readPathMs.push((Number(seen.rows[0].t) - Number(done.rows[0].t)) * 1000);
          if (seen.rows[0].seen === true) return;
          count.stale++;
          // The commit's WAL ends at or before the primary's write position now (nothing else writes meanwhile).
          const at = seen.rows[0];
          const behind = (await writer(level).query({
            name: "lab-behind",
            text: "SELECT $1::pg_lsn < pg_current_wal_lsn() AS w, $2::pg_lsn < pg_current_wal_lsn() AS f, $3::pg_lsn < pg_current_wal_lsn() AS r",
            values: [at.written, at.flushed, at.replayed],
          })).rows[0];
          if (behind.w) count.because.notWritten++;
          else if (behind.f) count.because.notFlushed++;
          else if (behind.r) count.because.notReplayed++;
        },
      });
      return count;
    });
    const timedNames = b.steps === "both" ? (["s1", "s2"] as const) : releasing ? [releasing] : typeof b.steps === "string" ? [b.steps] : [];
    const timed: TimedStandby[] = [];
    for (const name of timedNames) {
      const client = await cluster.connect(name, "pg-lab-steps");
      clients.push(client);
      timed.push({ name, client });
    }
    // Per level, one recorder per timed standby.
    const recorders = stepLevels.map((level) => timed.map(() => new StepRecorder(level)));
    stepLevels.forEach((level, i) => {
      const timer = new StepTimer(writer(level), level, timed, cluster.pg.version >= 15);
      members.push({
        quota: sizes.commits,
        done: 0,
        async run(measured) {
          const commits = await timer.commit(ids.next++);
          if (measured) commits.forEach((c, j) => recorders[i][j].add(c));
        },
      });
    });
    const readPathMs: number[] = [];
    if (b.readPath) {
      members.push({
        quota: sizes.trials,
        done: 0,
        async run(measured) {
          // Both clocks are the machine's own (clock_timestamp() on the primary and on s1); the
          // explicit COMMIT makes the first one run after the commit, not inside its transaction.
          const [, , , done] = (await writer("local").query(
            `BEGIN; INSERT INTO lab_reads (id) VALUES (${ids.next++}); COMMIT; SELECT extract(epoch FROM clock_timestamp()) AS t`,
          )) as unknown as pg.QueryResult[];
          const read = await reader!.query({ name: "lab-read-clock", text: "SELECT extract(epoch FROM clock_timestamp()) AS t" });
          if (measured) readPathMs.push((Number(read.rows[0].t) - Number(done.rows[0].t)) * 1000);
        },
      });
    }

    if (b.pings) {
      for (const [viaProxy, samples] of [[false, out.roundTripMs], [true, out.roundTripViaProxyMs]] as const) {
        const client = await cluster.connect("primary", "pg-lab-ping", { viaProxy });
        clients.push(client);
        members.push({
          quota: sizes.commits,
          done: 0,
          async run(measured) {
            const start = process.hrtime.bigint();
            await client.query({ name: "lab-ping", text: "SELECT 1" });
            if (measured) samples.push(Number(process.hrtime.bigint() - start) / 1e6);
          },
        });
      }
    }

    for (const m of members) for (let i = 0; i < WARMUP; i++) await m.run(false);
    const syncsBefore = await walSyncCounters(cluster, clients);
    if (b.proxyDelayMs > 0) cluster.proxy.startRecording();
    for (let open = members; open.length > 0; open = open.filter((m) => m.done < m.quota)) {
      for (const m of open) {
        await m.run(false);
        for (let i = 0; i < TURN && m.done < m.quota; i++, m.done++) await m.run(true);
      }
    }
    if (b.proxyDelayMs > 0) {
      const realised = cluster.proxy.stopRecording();
      out.proxyToStandbyMs.push(...realised.toStandby);
      out.proxyToPrimaryMs.push(...realised.toPrimary);
    }
    const walSync = walSyncBetween(syncsBefore, await walSyncCounters(cluster, clients));

    const local = b.latency.length > 0 ? summarizeLatencies(latencySamples[latencyLevels.indexOf("local")]) : null;
    b.latency.forEach((level, i) => {
      const setting = { standbys: b.standbys, level, proxyDelayMs: b.proxyDelayMs, applyDelayMs: b.applyDelayMs };
      const latency = summarizeLatencies(latencySamples[i]);
      const label = caseLabel(setting);
      out.latency.push({ label, standbyNames: b.standbys.names, level, proxyDelayMs: b.proxyDelayMs, applyDelayMs: b.applyDelayMs, latency, local, walSync });
      log(`  ${label.padEnd(50)} p50 ${fmt(latency.p50Ms)}  p90 ${fmt(latency.p90Ms)}  p99 ${fmt(latency.p99Ms)} ms`);
    });
    if (local && !b.latency.includes("local")) log(`  ${"(local commits, timed in the same turns)".padEnd(50)} p50 ${fmt(local.p50Ms)}  p90 ${fmt(local.p90Ms)}  p99 ${fmt(local.p99Ms)} ms`);
    if (b.latency.length > 0 && walSync && walSync.syncs > 0) {
      log(`  ${"the primary's WAL fsyncs meanwhile".padEnd(50)} ${walSync.syncs}, ${fmt(walSync.meanMs).trim()} ms each on average`);
    }
    b.stale.forEach((level, i) => {
      const label = caseLabel({ standbys: b.standbys, level, proxyDelayMs: b.proxyDelayMs, applyDelayMs: 0 });
      const { trials, stale, because, readPathMs } = staleCounts[i];
      const readPath = summarizeLatencies(readPathMs);
      out.staleReads.push({ label, standbyNames: b.standbys.names, level, proxyDelayMs: b.proxyDelayMs, readFrom: "s1", trials, staleReads: stale, staleBecause: because, readPath });
      const causes =
        (stale > 0 ? ` (s1 had not yet written ${because.notWritten}, flushed ${because.notFlushed}, replayed ${because.notReplayed})` : "") +
        `; read started ${fmt(readPath.p50Ms).trim()} ms after the commit (p50)`;
      log(`  ${label.padEnd(50)} ${String(stale).padStart(5)} of ${trials} reads on s1 right after the commit missed it${causes}`);
    });
    timed.forEach(({ name: standby }, j) => {
      const levels = recorders.map((r) => r[j].timings());
      const both = b.steps === "both";
      const at = (level: string) => levels.find((l) => l.level === level) ?? null;
      const p50 = (s: LatencySummary | null | undefined) => (s && s.count > 0 ? s.p50Ms.toFixed(3) : "?");
      if (releasing) {
        const setting = caseLabel({ standbys: b.standbys, level: "on", proxyDelayMs: b.proxyDelayMs, applyDelayMs: b.applyDelayMs });
        out.blockSteps.push({ label: `${standby}, releasing ${setting}`, standby, standbyNames: b.standbys.names, proxyDelayMs: b.proxyDelayMs, applyDelayMs: b.applyDelayMs, levels });
        log(
          `  ${`${standby}'s steps, releasing these commits`.padEnd(50)} p50 WAL sent ${p50(at("on")?.shipMs)} after the COMMIT starts, on its way ${p50(at("on")?.transitMs)},` +
            ` \`on\` reply ${p50(at("on")?.standbyReplyMs)} after it arrives, backend back ${p50(at("on")?.releaseMs)} later ms`,
        );
        return;
      }
      const label = both ? `${standby} (with both standbys synchronous)` : STEP_LABELS[standby];
      (both ? out.bothSyncSteps : out.standbySteps).push({ label, standby, standbyNames: b.standbys.names, levels });
      const lags = both
        ? ""
        : ` write_lag ${p50(at("remote_write")?.writeLagMs)}, then flush ${p50(at("on")?.flushStepMs)}, replay ${p50(at("remote_apply")?.replayStepMs)};`;
      log(
        `  ${`${standby}'s steps${both ? " (FIRST 2)" : ""}`.padEnd(50)} p50 primary fsync ${p50(at("local")?.primaryFlushMs)},${lags}` +
          ` WAL sent ${p50(at("local")?.shipMs)} after the COMMIT starts, on its way ${p50(at("local")?.transitMs)},` +
          ` \`on\` reply ${p50(at("on")?.standbyReplyMs)} after it arrives, backend back ${p50(at("on")?.releaseMs)} later ms`,
      );
    });
    if (b.pings) {
      const direct = summarizeLatencies(out.roundTripMs).p50Ms;
      const proxied = summarizeLatencies(out.roundTripViaProxyMs).p50Ms;
      log(`  ${"SELECT 1 round trip to the primary".padEnd(50)} p50 ${fmt(direct)} ms direct, ${fmt(proxied).trim()} ms through s1's proxy`);
    }
    if (b.readPath) {
      out.readPathMs.push(...readPathMs);
      log(`  ${"commit done → read starts on s1".padEnd(50)} p50 ${fmt(summarizeLatencies(readPathMs).p50Ms)} ms`);
    }
  } finally {
    cluster.proxy.stopRecording();
    await Promise.all(clients.map(endClient));
  }
}

interface WalSyncCounters {
  syncs: number;
  totalMs: number;
}

/**
 * pg_stat_wal's fsync counters, with the block's connections' pending counts included: a backend
 * hands its statistics over at most once a second unless asked to (pg_stat_force_next_flush,
 * PostgreSQL 15), and then does so before it answers. Null on older servers.
 */
async function walSyncCounters(cluster: Cluster, clients: pg.Client[]): Promise<WalSyncCounters | null> {
  if (cluster.pg.version < 15) return null;
  for (const client of clients) await client.query("SELECT pg_stat_force_next_flush()");
  const row = (await cluster.exec("primary", "SELECT wal_sync, wal_sync_time FROM pg_stat_wal")).rows[0];
  return { syncs: Number(row.wal_sync), totalMs: Number(row.wal_sync_time) };
}

function walSyncBetween(before: WalSyncCounters | null, after: WalSyncCounters | null): WalSyncStats | null {
  if (!before || !after) return null;
  const syncs = after.syncs - before.syncs;
  const totalMs = Math.round((after.totalMs - before.totalMs) * 1000) / 1000;
  return { syncs, totalMs, meanMs: syncs > 0 ? Math.round((totalMs / syncs) * 1000) / 1000 : 0 };
}

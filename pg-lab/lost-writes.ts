/**
 * Failover after a crash: are acknowledged writes still there on the promoted standby?
 *
 * Each scenario runs on a fresh cluster, since it ends with the primary dead and s1 promoted.
 * Writers insert rows with ids they choose, and remember which inserts were acknowledged. Then s1
 * is cut off (a partition through the proxy), the primary crashes, s1 is promoted, and the
 * acknowledged ids missing on s1 are counted.
 */
import type pg from "pg";
import { summarizeLatencies, type LostWritesCase, type SyncCommitLevel } from "../lib/pg-compare";
import { Cluster } from "./cluster";
import { NONE, ONLY_S1, type StandbySetting } from "./settings";
import type { PostgresInstall } from "./postgres-install";

export interface LossPlanItem {
  standbys: StandbySetting;
  level: SyncCommitLevel;
  scenario: LostWritesCase["scenario"];
  proxyDelayMs: number;
  windowMs: number;
  /** Runs of the scenario, each on a fresh cluster; their counts are added up. */
  crashes: number;
}

/**
 * The failovers: s1 cut off before the crash, and s1's link delayed and cut at the crash, each
 * with s1 asynchronous and synchronous. The asynchronous delayed link loses only the writes on
 * their way (a dozen or so per crash), so that one runs `crashes` times; with a synchronous s1 it
 * loses none, and the partition loses hundreds, so once is enough there.
 */
export function lossPlan(delayMs: number, windowMs: number, crashes = 1): LossPlanItem[] {
  const plan: LossPlanItem[] = [];
  for (const standbys of [NONE, ONLY_S1]) {
    plan.push({ standbys, level: "on", scenario: "partition-then-crash", proxyDelayMs: 0, windowMs, crashes: 1 });
    plan.push({ standbys, level: "on", scenario: "delayed-link-cut-at-crash", proxyDelayMs: delayMs, windowMs, crashes: standbys === NONE ? crashes : 1 });
  }
  return plan;
}

export function lossLabel(item: LossPlanItem): string {
  const how = item.scenario === "partition-then-crash" ? `s1 cut off ${item.windowMs} ms before the crash` : `s1 +${item.proxyDelayMs} ms, cut at the crash`;
  return `${item.standbys.short} · ${item.level} · ${how}`;
}

const WRITERS = 4;
/** Writes flow to both standbys for this long first, so the standby is known to be streaming. */
const WARMUP_MS = 300;

interface Writer {
  acked: number[];
  /** When each acknowledgement came back (process.hrtime, ns), in the order of `acked`. */
  ackedAt: bigint[];
  unacked: number[];
  done: Promise<void>;
}

/** Inserts ids w·1e9 + 1, 2, … until the connection breaks (the crash). */
function startWriter(client: pg.Client, w: number): Writer {
  const writer: Writer = { acked: [], ackedAt: [], unacked: [], done: Promise.resolve() };
  writer.done = (async () => {
    for (let seq = 1; ; seq++) {
      const id = w * 1_000_000_000 + seq;
      try {
        await client.query({ name: "lab-loss", text: "INSERT INTO lab_loss (id) VALUES ($1)", values: [id] });
        writer.acked.push(id);
        writer.ackedAt.push(process.hrtime.bigint());
      } catch {
        writer.unacked.push(id);
        return;
      }
    }
  })();
  return writer;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs the scenario `item.crashes` times, each on a fresh cluster, and adds up the counts. */
export async function runLossScenario(pgInstall: PostgresInstall, item: LossPlanItem, log: (line: string) => void, checkpoint: () => void = () => undefined): Promise<LostWritesCase> {
  const runs: LostWritesCase[] = [];
  const realised: number[] = [];
  for (let i = 0; i < item.crashes; i++) {
    checkpoint();
    const once = await runOnce(pgInstall, item, item.crashes > 1 ? `${i + 1}/${item.crashes}` : "", log);
    runs.push(once.result);
    realised.push(...once.realisedToStandbyMs);
  }
  const sum = (k: "ackedWrites" | "lostAckedWrites" | "ackedAfterCrash" | "lostAfterCrash" | "unackedWrites" | "unackedPresent") => runs.reduce((n, r) => n + (r[k] ?? 0), 0);
  const result: LostWritesCase = {
    ...runs[0],
    ...(item.proxyDelayMs > 0 ? { proxyToStandby: summarizeLatencies(realised) } : {}),
    crashes: runs.length,
    ackedWrites: sum("ackedWrites"),
    lostAckedWrites: sum("lostAckedWrites"),
    ackedAfterCrash: sum("ackedAfterCrash"),
    lostAfterCrash: sum("lostAfterCrash"),
    unackedWrites: sum("unackedWrites"),
    unackedPresent: sum("unackedPresent"),
  };
  if (runs.length > 1) {
    log(`  ${`${result.label}, ${runs.length} crashes`.padEnd(58)} ${String(result.lostAckedWrites).padStart(5)} of ${result.ackedWrites} acknowledged writes lost in all`);
  }
  return result;
}

/** One run of the scenario on a fresh cluster, with the delays the proxy realised towards s1 meanwhile. */
async function runOnce(pgInstall: PostgresInstall, item: LossPlanItem, run: string, log: (line: string) => void): Promise<{ result: LostWritesCase; realisedToStandbyMs: number[] }> {
  const startedMs = Date.now();
  const cluster = await Cluster.create(pgInstall, log);
  const createdMs = Date.now();
  try {
    await cluster.exec("primary", "CREATE TABLE lab_loss (id bigint PRIMARY KEY)");
    await cluster.setSyncStandbys(item.standbys.names, item.standbys.expect);
    await cluster.waitForReplay("s1");
    cluster.proxy.setDelayMs(item.proxyDelayMs);
    const clients: pg.Client[] = [];
    for (let w = 0; w < WRITERS; w++) {
      const client = await cluster.connect("primary", `pg-lab-writer-${w}`);
      await client.query(`SET synchronous_commit TO ${item.level}`);
      clients.push(client);
    }
    const writers = clients.map((c, w) => startWriter(c, w + 1));
    let realised: number[] = [];
    await sleep(WARMUP_MS);
    if (item.proxyDelayMs > 0) cluster.proxy.startRecording();
    let crashAt = 0n;
    if (item.scenario === "partition-then-crash") {
      cluster.proxy.partition();
      await sleep(item.windowMs);
      await cluster.crashPrimary(() => (crashAt = process.hrtime.bigint()));
    } else {
      await sleep(item.windowMs);
      // The primary's machine dies: server and link at the same moment, bytes in flight are lost.
      await cluster.crashPrimary(() => {
        cluster.proxy.partition();
        crashAt = process.hrtime.bigint();
        realised = cluster.proxy.stopRecording().toStandby;
      });
    }
    // A writer blocked on a synchronous standby that is cut off gets its error only now.
    await Promise.all(writers.map((w) => w.done));
    await cluster.promote("s1");
    // Acknowledged before the crash, as the simulator counts them, or after it: an immediate
    // shutdown is not instantaneous, and a backend in the middle of its commit may still answer.
    const before = writers.flatMap((w) => w.acked.filter((_, i) => w.ackedAt[i] <= crashAt));
    const after = writers.flatMap((w) => w.acked.filter((_, i) => w.ackedAt[i] > crashAt));
    const unacked = writers.flatMap((w) => w.unacked);
    const present = async (ids: number[]) =>
      ids.length === 0
        ? 0
        : Number((await cluster.query("s1", "SELECT count(*) AS n FROM lab_loss WHERE id = ANY($1::bigint[])", [ids])).rows[0].n);
    const ackedPresent = await present(before);
    const afterPresent = await present(after);
    const unackedPresent = await present(unacked);
    const label = lossLabel(item);
    const result: LostWritesCase = {
      label,
      crashes: 1,
      standbyNames: item.standbys.names,
      level: item.level,
      scenario: item.scenario,
      proxyDelayMs: item.proxyDelayMs,
      warmupMs: WARMUP_MS,
      windowMs: item.windowMs,
      writers: WRITERS,
      ackedWrites: before.length,
      lostAckedWrites: before.length - ackedPresent,
      ackedAfterCrash: after.length,
      lostAfterCrash: after.length - afterPresent,
      unackedWrites: unacked.length,
      unackedPresent,
      ...(item.proxyDelayMs > 0 ? { proxyToStandby: summarizeLatencies(realised) } : {}),
    };
    const took = `cluster ${((createdMs - startedMs) / 1000).toFixed(1)} s, scenario ${((Date.now() - createdMs) / 1000).toFixed(1)} s`;
    const late = `; ${result.lostAfterCrash} of ${result.ackedAfterCrash} acknowledged after the crash signal lost` + (result.proxyToStandby ? `; the proxy's delay p50 ${result.proxyToStandby.p50Ms} ms` : "");
    log(`  ${(run ? `${label} (${run})` : label).padEnd(58)} ${String(result.lostAckedWrites).padStart(5)} of ${result.ackedWrites} acknowledged writes lost (${took}${late})`);
    return { result, realisedToStandbyMs: realised };
  } catch (err) {
    throw new Error(`${(err as Error).message}\n--- primary log ---\n${cluster.logTail("primary")}\n--- s1 log ---\n${cluster.logTail("s1")}`);
  } finally {
    await cluster.destroy();
  }
}

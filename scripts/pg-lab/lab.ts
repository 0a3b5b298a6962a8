/** The whole lab: one cluster for latency and stale reads, then a fresh cluster per failover. */
import os from "node:os";
import { summarizeLatencies, type PgLabResults } from "../../lib/pg-compare";
import { Cluster } from "./cluster";
import { latencyPlan, measureCommitLatency, measureRoundTrip } from "./commit-latency";
import { lossPlan, runLossScenario } from "./lost-writes";
import type { LabOptions } from "./options";
import type { PostgresInstall } from "./postgres-install";
import { measureStaleReads, stalePlan } from "./stale-reads";

export async function runLab(pgInstall: PostgresInstall, options: LabOptions, log: (line: string) => void): Promise<PgLabResults> {
  const started = Date.now();
  const startedAt = new Date(started).toISOString();
  const at = () => `[${((Date.now() - started) / 1000).toFixed(1)} s]`;
  log(`Starting a primary and two standbys (PostgreSQL ${pgInstall.version}, ${pgInstall.binDir})…`);
  const cluster = await Cluster.create(pgInstall);
  log(`${at()} Cluster up`);
  log(`  in ${cluster.root}; ports: primary ${cluster.ports.primary}, s1 ${cluster.ports.s1} (via proxy ${cluster.ports.proxy}), s2 ${cluster.ports.s2}`);
  let roundTrip, latency, staleReads;
  try {
    roundTrip = await measureRoundTrip(cluster, options.commits);
    log(`Round trip of SELECT 1 to the primary: p50 ${roundTrip.p50Ms} ms`);
    log(`${at()} Commit latency, ${options.commits} sequential commits per setting:`);
    latency = await measureCommitLatency(cluster, latencyPlan(options.delayMs, options.applyDelayMs), options.commits, log);
    log(`${at()} Reads on s1 right after a commit (${options.trials} trials each):`);
    staleReads = await measureStaleReads(cluster, stalePlan(options.delayMs), options.trials, log);
  } catch (err) {
    throw new Error(`${(err as Error).message}\n--- primary log ---\n${cluster.logTail("primary")}\n--- s1 log ---\n${cluster.logTail("s1")}`);
  } finally {
    await cluster.destroy();
  }
  log(`${at()} Failover after a crash (a fresh cluster each), s1 promoted:`);
  const lostWrites = [];
  for (const item of lossPlan(options.delayMs, options.lossWindowMs)) lostWrites.push(await runLossScenario(pgInstall, item, log));
  log(`${at()} Measurements done.`);
  return {
    version: 1,
    quick: options.quick,
    startedAt,
    durationMs: Date.now() - started,
    machine: { cpus: os.cpus().length, platform: `${os.platform()} ${os.release()}`, postgres: String(pgInstall.version) },
    commitsPerCase: options.commits,
    proxy: {
      requestedMs: options.delayMs,
      toStandby: summarizeLatencies(latency.proxyToStandbyMs),
      toPrimary: summarizeLatencies(latency.proxyToPrimaryMs),
    },
    roundTrip,
    latency: latency.cases,
    staleReads,
    lostWrites,
  };
}

/** The whole lab: one cluster for latency, standby steps and stale reads (pg-lab/blocks.ts), then a fresh cluster per failover. */
import os from "node:os";
import { PG_LAB_RESULTS_VERSION, summarizeLatencies } from "../lib/pg-compare";
import { labPlan, measureBlocks } from "./blocks";
import { Cluster } from "./cluster";
import { lossPlan, runLossScenario } from "./lost-writes";
import type { LabOptions } from "./options";
import type { PostgresInstall } from "./postgres-install";
import type { LabResults } from "./results";

export interface LabContext {
  log: (line: string) => void;
  /** Stops the lab between measurements (its servers are stopped and its folders removed). */
  signal?: AbortSignal;
}

export async function runLab(pgInstall: PostgresInstall, options: LabOptions, { log, signal }: LabContext): Promise<LabResults> {
  const started = Date.now();
  const loadAtStart = round2(os.loadavg()[0]);
  const startedAt = new Date(started).toISOString();
  const at = () => `[${((Date.now() - started) / 1000).toFixed(1)} s]`;
  const checkpoint = () => signal?.throwIfAborted();
  checkpoint();
  log(`Starting a primary and two standbys (PostgreSQL ${pgInstall.version}, ${pgInstall.binDir})…`);
  const cluster = await Cluster.create(pgInstall, log);
  log(`${at()} Cluster up`);
  log(`  in ${cluster.root}; ports: primary ${cluster.ports.primary}, s1 ${cluster.ports.s1} (via proxy ${cluster.ports.proxy}), s2 ${cluster.ports.s2}`);
  let measured;
  try {
    checkpoint();
    log(
      `${at()} Commit latency (${options.commits} commits per setting), reads on s1 right after a commit (${options.trials} each)` +
        " and the standbys' own steps; the cases of a block take turns:",
    );
    measured = await measureBlocks(cluster, labPlan(options.delayMs, options.applyDelayMs), options, log, checkpoint);
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new Error(`${(err as Error).message}\n--- primary log ---\n${cluster.logTail("primary")}\n--- s1 log ---\n${cluster.logTail("s1")}`);
  } finally {
    await cluster.destroy();
  }
  log(`${at()} Failover after a crash (a fresh cluster each), s1 promoted:`);
  const lostWrites = [];
  for (const item of lossPlan(options.delayMs, options.lossWindowMs, options.crashes)) {
    checkpoint();
    lostWrites.push(await runLossScenario(pgInstall, item, log, checkpoint));
  }
  log(`${at()} Measurements done.`);
  return {
    version: PG_LAB_RESULTS_VERSION,
    quick: options.quick,
    startedAt,
    durationMs: Date.now() - started,
    machine: {
      cpus: os.cpus().length,
      platform: `${os.platform()} ${os.release()}`,
      postgres: String(pgInstall.version),
      loadAverage: { atStart: loadAtStart, atEnd: round2(os.loadavg()[0]) },
    },
    commitsPerCase: options.commits,
    proxy: {
      requestedMs: options.delayMs,
      toStandby: summarizeLatencies(measured.proxyToStandbyMs),
      toPrimary: summarizeLatencies(measured.proxyToPrimaryMs),
    },
    roundTrip: summarizeLatencies(measured.roundTripMs),
    roundTripViaProxy: summarizeLatencies(measured.roundTripViaProxyMs),
    latency: measured.latency,
    standbySteps: measured.standbySteps,
    bothSyncSteps: measured.bothSyncSteps,
    blockSteps: measured.blockSteps,
    readPath: summarizeLatencies(measured.readPathMs),
    staleReads: measured.staleReads,
    lostWrites,
  };
}

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}

/**
 * Read-your-writes on a standby: commit on the primary, then at once look for the row on the
 * synchronous standby s1. Only remote_apply waits until the row is visible there.
 */
import type { StaleReadCase, SyncCommitLevel } from "../lib/pg-compare";
import { endClient, type Cluster } from "./cluster";
import { FIRST1, type StandbySetting } from "./commit-latency";

export interface StalePlanItem {
  standbys: StandbySetting;
  level: SyncCommitLevel;
  proxyDelayMs: number;
}

export function stalePlan(delayMs: number): StalePlanItem[] {
  return [
    ...(["local", "remote_write", "on", "remote_apply"] as const).map((level) => ({ standbys: FIRST1, level, proxyDelayMs: 0 })),
    // With delay both ways, the acknowledgement's trip back gives s1 time to apply: staleness hides.
    { standbys: FIRST1, level: "remote_write", proxyDelayMs: delayMs },
  ];
}

export function staleLabel(item: StalePlanItem): string {
  return [item.standbys.short, item.level, ...(item.proxyDelayMs > 0 ? [`s1 +${item.proxyDelayMs} ms`] : [])].join(" · ");
}

export async function measureStaleReads(
  cluster: Cluster,
  plan: StalePlanItem[],
  trials: number,
  log: (line: string) => void,
): Promise<StaleReadCase[]> {
  await cluster.exec("primary", "CREATE TABLE IF NOT EXISTS lab_reads (id bigint PRIMARY KEY)");
  await cluster.waitForReplay("s1");
  const writer = await cluster.connect("primary", "pg-lab-writer");
  const reader = await cluster.connect("s1", "pg-lab-reader");
  const cases: StaleReadCase[] = [];
  let nextId = 1;
  let standbyNames: string | null = null;
  try {
    for (const item of plan) {
      if (item.standbys.names !== standbyNames) {
        await cluster.setSyncStandbys(item.standbys.names, item.standbys.expect);
        standbyNames = item.standbys.names;
      }
      cluster.proxy.setDelayMs(item.proxyDelayMs);
      await writer.query(`SET synchronous_commit TO ${item.level}`);
      let staleReads = 0;
      for (let t = 0; t < trials; t++) {
        const id = nextId++;
        await writer.query({ name: "lab-write", text: "INSERT INTO lab_reads (id) VALUES ($1)", values: [id] });
        const seen = await reader.query({ name: "lab-read", text: "SELECT EXISTS (SELECT 1 FROM lab_reads WHERE id = $1) AS seen", values: [id] });
        if (seen.rows[0].seen !== true) staleReads++;
      }
      const label = staleLabel(item);
      cases.push({ label, standbyNames: item.standbys.names, level: item.level, proxyDelayMs: item.proxyDelayMs, readFrom: "s1", trials, staleReads });
      log(`  ${label.padEnd(50)} ${String(staleReads).padStart(5)} of ${trials} reads on s1 missed the write`);
    }
  } finally {
    cluster.proxy.setDelayMs(0);
    await endClient(writer);
    await endClient(reader);
  }
  return cases;
}

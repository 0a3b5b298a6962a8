/**
 * `npm run bench:checkers`: how long each anomaly checker takes on a large synthetic history
 * (default 1,000,000 operations; BENCH_OPS to change it). The history has what the checkers look
 * for: followers lagging up to 3 ms, a leader crash and failover halfway (lost acknowledged writes,
 * log positions reused by the new leader), multi-key timeline reads of writes with dependencies,
 * and permission checks (BENCH_ROUNDS rounds each, default 3). The last line is JSON for tools:
 * {"ops", "checkAllMs", "<checker>Ms", ...}.
 */
import { performance } from "node:perf_hooks";
import type { History, ObservedValue, Op, WriteOp } from "../lib/history";
import { CHECKERS, checkAll, type CheckerName } from "../lib/checkers";

const OPS = Number(process.env.BENCH_OPS ?? 1_000_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const KEYS = 10_000;
const CLIENTS = 1_000;

/** A small seeded generator (mulberry32), so every run checks the same history. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function syntheticHistory(opCount: number, seed: number): History {
  const random = generator(seed);
  const ops: Op[] = [];
  const byKey: number[][] = Array.from({ length: KEYS }, () => []);
  const keyName = (k: number) => (k < 100 ? `perm:u${k}:delete` : `k${k}`);
  const totalMs = opCount * 0.01;
  const crashMs = totalMs / 2;
  const electedMs = crashMs + 5;
  const replicatedUpToMs = crashMs - 2; // A, the next leader, has L's log only up to here
  const lost = new Set<number>();
  let lsnL = 0;
  let lsnA = -1;
  let t = 0;
  for (let id = 0; id < opCount; id++) {
    t += -Math.log(1 - random()) * 0.01;
    const client = `c${Math.floor(random() * CLIENTS)}`;
    const k = Math.floor(random() * KEYS);
    if (random() < 0.4) {
      const w: WriteOp = {
        kind: "write", id, client, key: keyName(k), value: k < 100 ? (random() < 0.5 ? "granted" : "revoked") : `v${id}`,
        invokeMs: t, completeMs: t + 0.5 + random(), node: "L", epoch: 1, lsn: 0, acknowledged: true,
      };
      if (t < crashMs) w.lsn = ++lsnL;
      else if (t < electedMs) Object.assign(w, { node: null, epoch: 0, completeMs: t, acknowledged: false, failure: "not-leader" });
      else {
        if (lsnA < 0) lsnA = lsnL - lost.size;
        Object.assign(w, { node: "A", epoch: 2, lsn: ++lsnA });
      }
      if (w.node === "L" && t > replicatedUpToMs) lost.add(id);
      const other = byKey[Math.floor(random() * KEYS)];
      if (random() < 0.1 && other.length > 0) w.dependsOn = [other[other.length - 1]];
      ops.push(w);
      if (w.node !== null) byKey[k].push(id);
    } else {
      const width = random() < 0.1 ? 5 : 1;
      const observed: ObservedValue[] = [];
      for (let j = 0; j < width; j++) {
        const key = (k + j) % KEYS;
        const node = random() < 0.3 ? "L" : "B";
        const lagMs = node === "L" ? 0 : random() * 3;
        const list = byKey[key];
        let i = list.length - 1;
        while (i >= 0) {
          const w = ops[list[i]] as WriteOp;
          if (w.invokeMs <= t - lagMs && !(t > electedMs && lost.has(w.id))) break;
          i--;
        }
        const w = i >= 0 ? (ops[list[i]] as WriteOp) : undefined;
        observed.push(w ? { key: w.key, value: w.value, writeId: w.id, lsn: w.lsn, node } : { key: keyName(key), value: null, writeId: -1, lsn: 0, node });
      }
      ops.push({ kind: "read", id, client, invokeMs: t, completeMs: t + 0.2, observed, ...(k < 100 ? { purpose: "check-permission" } : {}) });
    }
  }
  const finalLog = ops.filter((op): op is WriteOp => op.kind === "write" && op.node !== null && !lost.has(op.id));
  finalLog.sort((a, b) => a.epoch - b.epoch || a.lsn - b.lsn);
  return {
    ops,
    events: [
      { kind: "crash", atMs: crashMs, node: "L" },
      { kind: "elected", atMs: electedMs, node: "A", epoch: 2 },
    ],
    finalLog: finalLog.map((w) => w.id),
    finalLeader: "A",
  };
}

const t0 = performance.now();
const history = syntheticHistory(OPS, 7);
console.log(`history: ${history.ops.length} ops built in ${Math.round(performance.now() - t0)} ms`);

/**
 * Best of ROUNDS wall-clock times: on a shared 2-core machine the least disturbed round is the
 * closest to the code's own cost. CPU time is printed beside it as a cross-check.
 */
function best(round: () => number): { wallMs: number; cpuMs: number; found: number } {
  let wallMs = Infinity;
  let cpuMs = Infinity;
  let found = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const cpu0 = process.cpuUsage();
    const start = performance.now();
    found = round();
    wallMs = Math.min(wallMs, performance.now() - start);
    const cpu = process.cpuUsage(cpu0);
    cpuMs = Math.min(cpuMs, (cpu.user + cpu.system) / 1000);
  }
  return { wallMs: Math.round(wallMs), cpuMs: Math.round(cpuMs), found };
}

const result: Record<string, number> = { ops: history.ops.length };
const rows: [string, () => number][] = (Object.keys(CHECKERS) as CheckerName[]).map((name) => [
  name,
  () => CHECKERS[name](history).length,
]);
rows.push(["checkAll", () => Object.values(checkAll(history)).flat().length]);
console.log(`${"checker".padEnd(17)} ${"wall ms".padStart(8)} ${"cpu ms".padStart(8)}  violations (best of ${ROUNDS})`);
for (const [name, round] of rows) {
  const { wallMs, cpuMs, found } = best(round);
  result[`${name}Ms`] = wallMs;
  console.log(`${name.padEnd(17)} ${String(wallMs).padStart(8)} ${String(cpuMs).padStart(8)}  ${found}`);
}
console.log(JSON.stringify(result));

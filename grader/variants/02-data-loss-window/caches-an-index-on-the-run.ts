// Known-wrong: right lists, but caches an index (writes ordered by acknowledgement) on run.writes, so
// it changes run, which the text forbids ("Do not change run").
type RunWrites = { followers: string[]; writes: { count: number; ackMs: Float64Array; receivedMs: Float64Array[]; appliedMs: Float64Array[]; lsn: Int32Array } };
export interface LoadAndLag { writesPerSec: number; meanLagMs: number }
export function writesLostOnFailover(run: RunWrites, follower: string, atMs: number): number[] {
  const w = run.writes as RunWrites["writes"] & { byAck?: Int32Array };
  if (!w.byAck || w.byAck.length !== w.count) {
    w.byAck = Int32Array.from({ length: w.count }, (_, i) => i).sort((a, b) => w.ackMs[a] - w.ackMs[b] || a - b);
  }
  const received = w.receivedMs[run.followers.indexOf(follower)];
  const lost: number[] = [];
  for (const i of w.byAck) {
    if (!(w.ackMs[i] <= atMs)) break;
    if (!(received[i] <= atMs)) lost.push(i);
  }
  return lost.sort((a, b) => a - b);
}
export function expectedWritesLost(load: LoadAndLag): number {
  return (load.writesPerSec / 1000) * load.meanLagMs;
}

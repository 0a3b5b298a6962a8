// Known-wrong: reads the follower's receipt of write i at its log position (lsn[i] - 1) instead of at
// index i, taking receivedMs to be indexed by LSN; the same only while lsn[i] === i + 1 (no
// rejected write, no failover in the run).
type RunWrites = { followers: string[]; writes: { count: number; ackMs: Float64Array; receivedMs: Float64Array[]; appliedMs: Float64Array[]; lsn: Int32Array } };
export interface LoadAndLag { writesPerSec: number; meanLagMs: number }
export function writesLostOnFailover(run: RunWrites, follower: string, atMs: number): number[] {
  const w = run.writes;
  const received = w.receivedMs[run.followers.indexOf(follower)];
  const lost: number[] = [];
  for (let i = 0; i < w.count; i++) {
    if (!(w.ackMs[i] <= atMs)) continue;
    const at = received[w.lsn[i] - 1];
    if (!(at <= atMs)) lost.push(i);
  }
  return lost;
}
export function expectedWritesLost(load: LoadAndLag): number {
  return (load.writesPerSec / 1000) * load.meanLagMs;
}

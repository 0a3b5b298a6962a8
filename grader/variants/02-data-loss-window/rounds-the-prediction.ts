// Known-wrong: (b) rounds the expected number of writes to two decimals, so a low rate or a small lag
// (expected loss under 0.005 writes) predicts 0, and 0.0149 predicts 0.01.
type RunWrites = { followers: string[]; writes: { count: number; ackMs: Float64Array; receivedMs: Float64Array[]; appliedMs: Float64Array[]; lsn: Int32Array } };
export interface LoadAndLag { writesPerSec: number; meanLagMs: number }
export function writesLostOnFailover(run: RunWrites, follower: string, atMs: number): number[] {
  const w = run.writes;
  const received = w.receivedMs[run.followers.indexOf(follower)];
  const lost: number[] = [];
  for (let i = 0; i < w.count; i++) if (w.ackMs[i] <= atMs && !(received[i] <= atMs)) lost.push(i);
  return lost;
}
export function expectedWritesLost(load: LoadAndLag): number {
  return Math.round(((load.writesPerSec / 1000) * load.meanLagMs) * 100) / 100;
}

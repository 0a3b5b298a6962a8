// Known-wrong: compares times with a floating-point tolerance of 1e-6 ms ("never compare floats
// exactly"), so a write acknowledged a hair after the crash counts as lost, and one received a hair
// after it counts as safe.
type RunWrites = { followers: string[]; writes: { count: number; ackMs: Float64Array; receivedMs: Float64Array[]; appliedMs: Float64Array[]; lsn: Int32Array } };
export interface LoadAndLag { writesPerSec: number; meanLagMs: number }
const EPS = 1e-6;
export function writesLostOnFailover(run: RunWrites, follower: string, atMs: number): number[] {
  const w = run.writes;
  const received = w.receivedMs[run.followers.indexOf(follower)];
  const lost: number[] = [];
  for (let i = 0; i < w.count; i++) {
    const acked = w.ackMs[i] <= atMs + EPS;
    const got = received[i] <= atMs + EPS;
    if (acked && !got) lost.push(i);
  }
  return lost;
}
export function expectedWritesLost(load: LoadAndLag): number {
  return (load.writesPerSec / 1000) * load.meanLagMs;
}

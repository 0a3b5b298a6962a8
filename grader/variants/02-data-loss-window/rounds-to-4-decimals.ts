// Known-wrong: (b) rounds the expected number of writes to four decimals, as a dashboard would
// show it: on a quiet database (a write a minute or rarer, a follower a millisecond behind) the
// expected loss is under 0.00005 writes and it predicts 0.
type RunWrites = { followers: string[]; writes: { count: number; ackMs: Float64Array; receivedMs: Float64Array[]; appliedMs: Float64Array[] } };
export interface LoadAndLag { writesPerSec: number; meanLagMs: number }

export function writesLostOnFailover(run: RunWrites, follower: string, atMs: number): number[] {
  const w = run.writes;
  const received = w.receivedMs[run.followers.indexOf(follower)];
  const lost: number[] = [];
  for (let i = 0; i < w.count; i++) if (w.ackMs[i] <= atMs && !(received[i] <= atMs)) lost.push(i);
  return lost;
}

export function expectedWritesLost(load: LoadAndLag): number {
  return Number(((load.writesPerSec / 1000) * load.meanLagMs).toFixed(4));
}

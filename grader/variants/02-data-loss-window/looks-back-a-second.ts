// Known-wrong: looks only at the writes acknowledged in the last second before the crash, taking
// replication lag never to reach a second; a follower cut off for longer (stalled, partitioned)
// lacks older acknowledged writes too, and they are lost as well. The text sets no bound on the lag.
type RunWrites = { followers: string[]; writes: { count: number; ackMs: Float64Array; receivedMs: Float64Array[]; appliedMs: Float64Array[] } };
export interface LoadAndLag { writesPerSec: number; meanLagMs: number }

const MAX_LAG_MS = 1000;

export function writesLostOnFailover(run: RunWrites, follower: string, atMs: number): number[] {
  const w = run.writes;
  const received = w.receivedMs[run.followers.indexOf(follower)];
  const lost: number[] = [];
  for (let i = 0; i < w.count; i++) {
    if (w.ackMs[i] <= atMs && atMs - w.ackMs[i] <= MAX_LAG_MS && !(received[i] <= atMs)) lost.push(i);
  }
  return lost;
}

export function expectedWritesLost(load: LoadAndLag): number {
  return (load.writesPerSec / 1000) * load.meanLagMs;
}

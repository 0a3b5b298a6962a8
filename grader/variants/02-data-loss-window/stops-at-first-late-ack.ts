// Known-wrong: walks the writes in index order and stops at the first one acknowledged after the
// crash, assuming acknowledgements arrive in index order; a later write acknowledged earlier is missed.
type RunWrites = { followers: string[]; writes: { count: number; ackMs: Float64Array; receivedMs: Float64Array[]; appliedMs: Float64Array[] } };

export function writesLostOnFailover(run: RunWrites, follower: string, atMs: number): number[] {
  const w = run.writes;
  const received = w.receivedMs[run.followers.indexOf(follower)];
  const lost: number[] = [];
  for (let i = 0; i < w.count && w.ackMs[i] <= atMs; i++) if (!(received[i] <= atMs)) lost.push(i);
  return lost;
}

export function expectedWritesLost(load: { writesPerSec: number; meanLagMs: number }): number {
  return (load.writesPerSec / 1000) * load.meanLagMs;
}

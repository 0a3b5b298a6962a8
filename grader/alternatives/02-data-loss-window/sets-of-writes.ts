// Correct alternative: the set of acknowledged writes minus the set the follower had received, sorted by index.
type RunWrites = { followers: string[]; writes: { count: number; ackMs: Float64Array; receivedMs: Float64Array[]; appliedMs: Float64Array[] } };

export function writesLostOnFailover(run: RunWrites, follower: string, atMs: number): number[] {
  const w = run.writes;
  const got = w.receivedMs[run.followers.indexOf(follower)];
  const acknowledged = new Set<number>();
  for (let i = w.count - 1; i >= 0; i--) if (w.ackMs[i] <= atMs) acknowledged.add(i);
  for (let i = 0; i < w.count; i++) if (got[i] <= atMs) acknowledged.delete(i);
  return [...acknowledged].sort((a, b) => a - b);
}

export function expectedWritesLost(load: { writesPerSec: number; meanLagMs: number }): number {
  return (load.meanLagMs / 1000) * load.writesPerSec;
}

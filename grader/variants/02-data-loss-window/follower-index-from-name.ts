// Known-wrong: finds the follower's receipts from its name ("A" is the first, "B" the second, ...)
// instead of its place in run.followers.
type RunWrites = { followers: string[]; writes: { count: number; ackMs: Float64Array; receivedMs: Float64Array[]; appliedMs: Float64Array[] } };

export function writesLostOnFailover(run: RunWrites, follower: string, atMs: number): number[] {
  const w = run.writes;
  const received = w.receivedMs[follower.charCodeAt(0) - "A".charCodeAt(0)] ?? w.receivedMs[0];
  const lost: number[] = [];
  for (let i = 0; i < w.count; i++) if (w.ackMs[i] <= atMs && !(received[i] <= atMs)) lost.push(i);
  return lost;
}

export function expectedWritesLost(load: { writesPerSec: number; meanLagMs: number }): number {
  return (load.writesPerSec / 1000) * load.meanLagMs;
}

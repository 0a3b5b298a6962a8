// Known-wrong: adds one write for "the one being replicated right now" to Little's law, which is
// already the mean number in flight: far too many at low rates.
type RunWrites = { followers: string[]; writes: { count: number; ackMs: Float64Array; receivedMs: Float64Array[]; appliedMs: Float64Array[] } };

export function writesLostOnFailover(run: RunWrites, follower: string, atMs: number): number[] {
  const w = run.writes;
  const received = w.receivedMs[run.followers.indexOf(follower)];
  const lost: number[] = [];
  for (let i = 0; i < w.count; i++) if (w.ackMs[i] <= atMs && !(received[i] <= atMs)) lost.push(i);
  return lost;
}

export function expectedWritesLost(load: { writesPerSec: number; meanLagMs: number }): number {
  return (load.writesPerSec / 1000) * load.meanLagMs + 1;
}

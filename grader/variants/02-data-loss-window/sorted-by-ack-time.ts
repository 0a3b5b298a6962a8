// Known-wrong: lists the lost writes in the order they were acknowledged, not by index; with
// acknowledgements that arrive out of order (a quorum, a slow client response) the list is out of order.
type RunWrites = { followers: string[]; writes: { count: number; ackMs: Float64Array; receivedMs: Float64Array[]; appliedMs: Float64Array[] } };

export function writesLostOnFailover(run: RunWrites, follower: string, atMs: number): number[] {
  const w = run.writes;
  const received = w.receivedMs[run.followers.indexOf(follower)];
  const lost: number[] = [];
  for (let i = 0; i < w.count; i++) if (w.ackMs[i] <= atMs && !(received[i] <= atMs)) lost.push(i);
  return lost.sort((a, b) => w.ackMs[a] - w.ackMs[b]);
}

export function expectedWritesLost(load: { writesPerSec: number; meanLagMs: number }): number {
  return (load.writesPerSec / 1000) * load.meanLagMs;
}

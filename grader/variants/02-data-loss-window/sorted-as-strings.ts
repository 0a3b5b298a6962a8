// Known-wrong: collects the lost writes in order of acknowledgement, then puts them in order with a
// bare sort(), which compares indices as strings: write 10 comes before write 9.
type RunWrites = { followers: string[]; writes: { count: number; ackMs: Float64Array; receivedMs: Float64Array[]; appliedMs: Float64Array[] } };

export function writesLostOnFailover(run: RunWrites, follower: string, atMs: number): number[] {
  const w = run.writes;
  const received = w.receivedMs[run.followers.indexOf(follower)];
  const byAck = Array.from({ length: w.count }, (_, i) => i).sort((a, b) => w.ackMs[a] - w.ackMs[b]);
  const lost: number[] = [];
  for (const i of byAck) if (w.ackMs[i] <= atMs && !(received[i] <= atMs)) lost.push(i);
  return lost.sort();
}

export function expectedWritesLost(load: { writesPerSec: number; meanLagMs: number }): number {
  return (load.writesPerSec / 1000) * load.meanLagMs;
}

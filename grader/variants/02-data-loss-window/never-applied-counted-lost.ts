// Known-wrong: counts as lost, besides what the follower had not received, every write it
// received but never applied (a follower that stopped applying), as if promotion dropped its
// unapplied log. Promotion replays what was received first, so such a write survives; no
// simulated run leaves a received write unapplied, so only a hand-made table shows it.
type RunWrites = { followers: string[]; writes: { count: number; ackMs: Float64Array; receivedMs: Float64Array[]; appliedMs: Float64Array[] } };

export function writesLostOnFailover(run: RunWrites, follower: string, atMs: number): number[] {
  const w = run.writes;
  const f = run.followers.indexOf(follower);
  const received = w.receivedMs[f];
  const applied = w.appliedMs[f];
  const lost: number[] = [];
  for (let i = 0; i < w.count; i++) {
    if (w.ackMs[i] <= atMs && (!(received[i] <= atMs) || applied[i] === Infinity)) lost.push(i);
  }
  return lost;
}

export function expectedWritesLost(load: { writesPerSec: number; meanLagMs: number }): number {
  return (load.writesPerSec / 1000) * load.meanLagMs;
}

// Known-wrong: walks the writes in index order and stops at the first one acknowledged more than
// 10 ms after the crash, allowing acknowledgements to arrive "a little" out of order; a write
// acknowledged before the crash after one held longer than that is missed. The text sets no bound
// on how far out of order they arrive.
type RunWrites = { followers: string[]; writes: { count: number; ackMs: Float64Array; receivedMs: Float64Array[]; appliedMs: Float64Array[] } };

const REORDER_MS = 10;

export function writesLostOnFailover(run: RunWrites, follower: string, atMs: number): number[] {
  const w = run.writes;
  const received = w.receivedMs[run.followers.indexOf(follower)];
  const lost: number[] = [];
  for (let i = 0; i < w.count; i++) {
    if (w.ackMs[i] > atMs + REORDER_MS && w.ackMs[i] < Infinity) break;
    if (w.ackMs[i] <= atMs && !(received[i] <= atMs)) lost.push(i);
  }
  return lost;
}

export function expectedWritesLost(load: { writesPerSec: number; meanLagMs: number }): number {
  return (load.writesPerSec / 1000) * load.meanLagMs;
}

// Known-wrong: walks the writes in index order and stops after 20 writes in a row acknowledged
// after the crash, allowing acknowledgements to arrive "a few writes" out of order; a write
// acknowledged before the crash after more late ones than that is missed.
type RunWrites = { followers: string[]; writes: { count: number; ackMs: Float64Array; receivedMs: Float64Array[]; appliedMs: Float64Array[] } };

const LATE_IN_A_ROW = 20;

export function writesLostOnFailover(run: RunWrites, follower: string, atMs: number): number[] {
  const w = run.writes;
  const received = w.receivedMs[run.followers.indexOf(follower)];
  const lost: number[] = [];
  let late = 0;
  for (let i = 0; i < w.count && late < LATE_IN_A_ROW; i++) {
    if (!(w.ackMs[i] <= atMs)) {
      late++;
      continue;
    }
    late = 0;
    if (!(received[i] <= atMs)) lost.push(i);
  }
  return lost;
}

export function expectedWritesLost(load: { writesPerSec: number; meanLagMs: number }): number {
  return (load.writesPerSec / 1000) * load.meanLagMs;
}

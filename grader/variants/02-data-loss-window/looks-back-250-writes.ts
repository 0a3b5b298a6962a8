// Known-wrong: looks back only 250 writes from the last one sent by the crash, taking a follower
// never to be that far behind; a follower cut off for a while lacks more, and every one of them
// acknowledged is lost. The text sets no bound on how far behind a follower is.
type RunWrites = { followers: string[]; writes: { count: number; invokeMs: Float64Array; ackMs: Float64Array; receivedMs: Float64Array[]; appliedMs: Float64Array[] } };
export interface LoadAndLag { writesPerSec: number; meanLagMs: number }

const MAX_BEHIND = 250;

export function writesLostOnFailover(run: RunWrites, follower: string, atMs: number): number[] {
  const w = run.writes;
  const received = w.receivedMs[run.followers.indexOf(follower)];
  let last = -1;
  for (let i = 0; i < w.count; i++) if (w.invokeMs[i] <= atMs) last = i;
  const lost: number[] = [];
  for (let i = Math.max(0, last - MAX_BEHIND); i <= last; i++) if (w.ackMs[i] <= atMs && !(received[i] <= atMs)) lost.push(i);
  return lost;
}

export function expectedWritesLost(load: LoadAndLag): number {
  return (load.writesPerSec / 1000) * load.meanLagMs;
}

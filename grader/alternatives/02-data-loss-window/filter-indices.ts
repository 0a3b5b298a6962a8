// Correct alternative: builds the list of indices and filters it; the rate is converted to writes per ms first.
type RunWrites = { followers: string[]; writes: { count: number; ackMs: Float64Array; receivedMs: Float64Array[]; appliedMs: Float64Array[] } };

export function writesLostOnFailover(run: RunWrites, follower: string, atMs: number): number[] {
  const f = run.followers.findIndex((name) => name === follower);
  const { ackMs, receivedMs, count } = run.writes;
  return [...Array(count).keys()].filter((i) => ackMs[i] <= atMs && !(receivedMs[f][i] <= atMs));
}

export function expectedWritesLost({ writesPerSec, meanLagMs }: { writesPerSec: number; meanLagMs: number }): number {
  const writesPerMs = writesPerSec / 1000;
  return writesPerMs * meanLagMs;
}

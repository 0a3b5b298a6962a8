// Known-wrong: groups the followers by epoch in a plain object and takes its last key as the
// newest epoch, since integer-like keys come in ascending order; they do only up to 2^32 - 2 (array
// indices): past that, keys come in the order they were added, and when the newer epoch is listed
// first the older one is promoted. The text allows epochs up to Number.MAX_SAFE_INTEGER.
type FollowerState = { name: string; alive: boolean; epoch: number; receivedLsn: number; appliedLsn: number; priority: number };

export function chooseNewLeader(followers: readonly FollowerState[]): string | null {
  const byEpoch: Record<string, FollowerState[]> = {};
  for (const f of followers) if (f.alive && f.priority !== 0) (byEpoch[f.epoch] ??= []).push(f);
  const newest = Object.keys(byEpoch).at(-1);
  if (newest === undefined) return null;
  let best: FollowerState | null = null;
  for (const f of byEpoch[newest]) {
    if (best === null || f.receivedLsn > best.receivedLsn || (f.receivedLsn === best.receivedLsn && (f.priority > best.priority || (f.priority === best.priority && f.name < best.name)))) best = f;
  }
  return best === null ? null : best.name;
}

// Known-wrong: ranks by one number, epoch * 1,000,000 + receivedLsn: a log position of a million or
// more (real log positions are byte offsets, soon in the billions) spills into the epoch, so a far
// longer log from an older epoch beats a newer one.
type FollowerState = { name: string; alive: boolean; epoch: number; receivedLsn: number; appliedLsn: number; priority: number };

export function chooseNewLeader(followers: readonly FollowerState[]): string | null {
  const key = (f: FollowerState) => f.epoch * 1_000_000 + f.receivedLsn;
  let best: FollowerState | null = null;
  for (const f of followers) {
    if (!f.alive || f.priority === 0) continue;
    if (best === null) {
      best = f;
      continue;
    }
    const d = key(f) - key(best);
    if (d > 0 || (d === 0 && (f.priority > best.priority || (f.priority === best.priority && f.name < best.name)))) best = f;
  }
  return best === null ? null : best.name;
}

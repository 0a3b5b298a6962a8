// Known-wrong: finds the newest epoch with a bare sort() of the epochs, which sorts numbers as
// strings: "10" before "9", so after epoch 9 comes epoch 10 and the follower of epoch 9 with the
// longer log is promoted. Epochs below 10 (every case but one public one before) never show it.
type FollowerState = { name: string; alive: boolean; epoch: number; receivedLsn: number; appliedLsn: number; priority: number };

export function chooseNewLeader(followers: readonly FollowerState[]): string | null {
  const candidates = followers.filter((f) => f.alive && f.priority !== 0);
  if (candidates.length === 0) return null;
  const newest = candidates.map((f) => f.epoch).sort().at(-1);
  let best: FollowerState | null = null;
  for (const f of candidates) {
    if (f.epoch !== newest) continue;
    if (best === null || f.receivedLsn > best.receivedLsn || (f.receivedLsn === best.receivedLsn && (f.priority > best.priority || (f.priority === best.priority && f.name < best.name)))) best = f;
  }
  return best!.name;
}

// Known-wrong: finds the newest epoch among all followers, crashed and priority 0 included, and
// then looks only at promotable followers of that epoch: when the only follower of the newest epoch
// cannot be promoted, it promotes nobody although others could take over.
type FollowerState = { name: string; alive: boolean; epoch: number; receivedLsn: number; appliedLsn: number; priority: number };

export function chooseNewLeader(followers: readonly FollowerState[]): string | null {
  if (followers.length === 0) return null;
  const newest = Math.max(...followers.map((f) => f.epoch));
  let best: FollowerState | null = null;
  for (const f of followers) {
    if (!f.alive || f.priority === 0 || f.epoch !== newest) continue;
    if (
      best === null ||
      f.receivedLsn > best.receivedLsn ||
      (f.receivedLsn === best.receivedLsn && (f.priority > best.priority || (f.priority === best.priority && f.name < best.name)))
    ) best = f;
  }
  return best === null ? null : best.name;
}

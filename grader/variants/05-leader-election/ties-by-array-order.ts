// Known-wrong: keeps the first of equally up-to-date followers in array order, ignoring priority and name.
type FollowerState = { name: string; alive: boolean; epoch: number; receivedLsn: number; appliedLsn: number; priority: number };

export function chooseNewLeader(followers: readonly FollowerState[]): string | null {
  let best: FollowerState | null = null;
  for (const f of followers) {
    if (!f.alive || f.priority === 0) continue;
    if (!best || f.epoch > best.epoch || (f.epoch === best.epoch && f.receivedLsn > best.receivedLsn)) best = f;
  }
  return best ? best.name : null;
}

// Known-wrong: within an epoch ranks by one score, receivedLsn * 1000 + priority, as if priorities
// stayed below 1,000: a priority 1,000 or more above another's outweighs a log one entry longer.
type FollowerState = { name: string; alive: boolean; epoch: number; receivedLsn: number; appliedLsn: number; priority: number };

export function chooseNewLeader(followers: readonly FollowerState[]): string | null {
  let best: FollowerState | null = null;
  for (const f of followers) {
    if (!f.alive || f.priority === 0) continue;
    if (best === null) {
      best = f;
      continue;
    }
    if (f.epoch !== best.epoch) {
      if (f.epoch > best.epoch) best = f;
      continue;
    }
    const a = f.receivedLsn * 1000 + f.priority;
    const b = best.receivedLsn * 1000 + best.priority;
    if (a > b || (a === b && f.name < best.name)) best = f;
  }
  return best === null ? null : best.name;
}

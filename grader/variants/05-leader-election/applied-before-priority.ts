// Known-wrong: breaks a tie of epoch and received position by the applied position before the
// priority: the rule sends ties to the higher priority, and what is applied does not matter.
type FollowerState = { name: string; alive: boolean; epoch: number; receivedLsn: number; appliedLsn: number; priority: number };

export function chooseNewLeader(followers: readonly FollowerState[]): string | null {
  let best: FollowerState | null = null;
  for (const f of followers) {
    if (!f.alive || f.priority === 0) continue;
    if (best === null) { best = f; continue; }
    const d = f.epoch - best.epoch || f.receivedLsn - best.receivedLsn || f.appliedLsn - best.appliedLsn || f.priority - best.priority;
    if (d > 0 || (d === 0 && f.name < best.name)) best = f;
  }
  return best === null ? null : best.name;
}

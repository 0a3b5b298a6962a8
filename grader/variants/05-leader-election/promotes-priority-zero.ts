// Known-wrong: treats priority 0 as merely the lowest preference instead of "never promote".
type FollowerState = { name: string; alive: boolean; epoch: number; receivedLsn: number; appliedLsn: number; priority: number };

export function chooseNewLeader(followers: readonly FollowerState[]): string | null {
  const candidates = followers.filter((f) => f.alive);
  candidates.sort((a, b) => b.epoch - a.epoch || b.receivedLsn - a.receivedLsn || b.priority - a.priority || (a.name < b.name ? -1 : 1));
  return candidates.length > 0 ? candidates[0].name : null;
}

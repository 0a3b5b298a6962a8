// Known-wrong: forgets that a crashed follower cannot take over.
type FollowerState = { name: string; alive: boolean; epoch: number; receivedLsn: number; appliedLsn: number; priority: number };

export function chooseNewLeader(followers: readonly FollowerState[]): string | null {
  const candidates = followers.filter((f) => f.priority !== 0);
  candidates.sort((a, b) => b.epoch - a.epoch || b.receivedLsn - a.receivedLsn || b.priority - a.priority || (a.name < b.name ? -1 : 1));
  return candidates.length > 0 ? candidates[0].name : null;
}

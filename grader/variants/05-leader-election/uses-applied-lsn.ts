// Known-wrong: ranks by appliedLsn, but a promoted follower first replays all it received.
type FollowerState = { name: string; alive: boolean; epoch: number; receivedLsn: number; appliedLsn: number; priority: number };

export function chooseNewLeader(followers: readonly FollowerState[]): string | null {
  const candidates = followers.filter((f) => f.alive && f.priority !== 0);
  candidates.sort((a, b) => b.epoch - a.epoch || b.appliedLsn - a.appliedLsn || b.priority - a.priority || (a.name < b.name ? -1 : 1));
  return candidates.length > 0 ? candidates[0].name : null;
}

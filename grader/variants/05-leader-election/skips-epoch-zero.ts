// Known-wrong: takes a follower at epoch 0 for one that never followed a leader and leaves it out
// (a truthiness check, `f.epoch &&`); epochs start at 0, and in a cluster that never failed over
// every follower is at epoch 0, so it promotes nobody.
type FollowerState = { name: string; alive: boolean; epoch: number; receivedLsn: number; appliedLsn: number; priority: number };

export function chooseNewLeader(followers: readonly FollowerState[]): string | null {
  const candidates = followers.filter((f) => f.alive && f.priority && f.epoch);
  const [best] = [...candidates].sort((a, b) => b.epoch - a.epoch || b.receivedLsn - a.receivedLsn || b.priority - a.priority || (a.name < b.name ? -1 : 1));
  return best === undefined ? null : best.name;
}

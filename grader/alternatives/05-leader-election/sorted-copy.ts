// Correct alternative: sorts a copy of the promotable followers with one comparator and takes the first.
type FollowerState = { name: string; alive: boolean; epoch: number; receivedLsn: number; appliedLsn: number; priority: number };

export function chooseNewLeader(followers: readonly FollowerState[]): string | null {
  const promotable = followers.filter((f) => f.alive && f.priority > 0);
  promotable.sort((a, b) => {
    if (a.epoch !== b.epoch) return b.epoch - a.epoch;
    if (a.receivedLsn !== b.receivedLsn) return b.receivedLsn - a.receivedLsn;
    if (a.priority !== b.priority) return b.priority - a.priority;
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  });
  return promotable.length === 0 ? null : promotable[0].name;
}

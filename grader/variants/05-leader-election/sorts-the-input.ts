// Known-wrong: right answer, but sorts the caller's array in place (and fails on an empty list).
type FollowerState = { name: string; alive: boolean; epoch: number; receivedLsn: number; appliedLsn: number; priority: number };

export function chooseNewLeader(followers: FollowerState[]): string | null {
  followers.sort((a, b) => Number(b.alive && b.priority !== 0) - Number(a.alive && a.priority !== 0) || b.epoch - a.epoch ||
    b.receivedLsn - a.receivedLsn || b.priority - a.priority || (a.name < b.name ? -1 : 1));
  const top = followers[0];
  return top.alive && top.priority !== 0 ? top.name : null;
}

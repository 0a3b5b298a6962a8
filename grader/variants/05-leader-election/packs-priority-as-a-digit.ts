// Known-wrong: ranks by one score, epoch * 1e12 + receivedLsn * 10 + priority, as if priorities
// were single digits: a priority of 11 more than another's outweighs a log one entry longer in the
// same epoch (and positions of 10^11 or more spill into the epoch).
type FollowerState = { name: string; alive: boolean; epoch: number; receivedLsn: number; appliedLsn: number; priority: number };

export function chooseNewLeader(followers: readonly FollowerState[]): string | null {
  const score = (f: FollowerState) => f.epoch * 1e12 + f.receivedLsn * 10 + f.priority;
  const eligible = followers.filter((f) => f.alive && f.priority !== 0);
  if (eligible.length === 0) return null;
  const sorted = [...eligible].sort((a, b) => score(b) - score(a) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return sorted[0].name;
}

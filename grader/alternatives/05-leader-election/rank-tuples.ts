// Correct alternative: turns each follower into a rank tuple and keeps the greatest with reduce.
type FollowerState = { name: string; alive: boolean; epoch: number; receivedLsn: number; appliedLsn: number; priority: number };

type Rank = [epoch: number, receivedLsn: number, priority: number, name: string];

function before(a: Rank, b: Rank): boolean {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return (a[i] as number) > (b[i] as number);
  return a[3] < b[3];
}

export function chooseNewLeader(followers: readonly FollowerState[]): string | null {
  const ranks = followers.filter((f) => f.alive && f.priority !== 0).map((f): Rank => [f.epoch, f.receivedLsn, f.priority, f.name]);
  if (ranks.length === 0) return null;
  return ranks.reduce((best, r) => (before(r, best) ? r : best))[3];
}

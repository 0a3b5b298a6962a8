// Known-wrong: breaks the last tie with localeCompare, which puts "a" before "B": the rule is plain string comparison ("B" before "a").
type FollowerState = { name: string; alive: boolean; epoch: number; receivedLsn: number; appliedLsn: number; priority: number };

export function chooseNewLeader(followers: readonly FollowerState[]): string | null {
  const candidates = followers.filter((f) => f.alive && f.priority !== 0);
  const sorted = [...candidates].sort(
    (a, b) => b.epoch - a.epoch || b.receivedLsn - a.receivedLsn || b.priority - a.priority || a.name.localeCompare(b.name),
  );
  return sorted.length > 0 ? sorted[0].name : null;
}

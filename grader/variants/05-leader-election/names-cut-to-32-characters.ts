// Known-wrong: breaks the last tie on the first 32 characters of the names, as a fixed-width name
// column would hold them: names that differ only after that (long host names of one cluster,
// "orders-db-production-eu-west-1-replica-9" and "...-10") tie, and the one listed first is kept.
type FollowerState = { name: string; alive: boolean; epoch: number; receivedLsn: number; appliedLsn: number; priority: number };

const NAME_WIDTH = 32;

export function chooseNewLeader(followers: readonly FollowerState[]): string | null {
  const candidates = followers.filter((f) => f.alive && f.priority !== 0);
  const rank = (a: FollowerState, b: FollowerState) =>
    b.epoch - a.epoch || b.receivedLsn - a.receivedLsn || b.priority - a.priority || (a.name.slice(0, NAME_WIDTH) < b.name.slice(0, NAME_WIDTH) ? -1 : 0);
  return candidates.reduce<FollowerState | null>((best, f) => (best === null || rank(f, best) < 0 ? f : best), null)?.name ?? null;
}

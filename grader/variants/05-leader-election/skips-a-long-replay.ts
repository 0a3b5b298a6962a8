// Known-wrong: passes over a follower with more than 1,000 received entries still to apply, as
// too slow to take over; the rule ranks by what was received, and what was applied does not
// matter for the choice, however far behind.
type FollowerState = { name: string; alive: boolean; epoch: number; receivedLsn: number; appliedLsn: number; priority: number };

const MAX_REPLAY = 1000;

export function chooseNewLeader(followers: readonly FollowerState[]): string | null {
  let best: FollowerState | null = null;
  for (const f of followers) {
    if (!f.alive || f.priority === 0 || f.receivedLsn - f.appliedLsn > MAX_REPLAY) continue;
    if (best === null || ranksAbove(f, best)) best = f;
  }
  return best === null ? null : best.name;
}

function ranksAbove(a: FollowerState, b: FollowerState): boolean {
  if (a.epoch !== b.epoch) return a.epoch > b.epoch;
  if (a.receivedLsn !== b.receivedLsn) return a.receivedLsn > b.receivedLsn;
  if (a.priority !== b.priority) return a.priority > b.priority;
  return a.name < b.name;
}

// Known-wrong: chooseNewLeader is async (the coordinator "might ask over the network"): it returns a
// Promise, not the follower's name or null.
export interface FollowerState { name: string; alive: boolean; epoch: number; receivedLsn: number; appliedLsn: number; priority: number }

export async function chooseNewLeader(followers: readonly FollowerState[]): Promise<string | null> {
  let best: FollowerState | null = null;
  for (const c of followers) {
    if (!c.alive || c.priority === 0) continue;
    if (best === null || ranksAbove(c, best)) best = c;
  }
  return best === null ? null : best.name;
}
function ranksAbove(a: FollowerState, b: FollowerState): boolean {
  if (a.epoch !== b.epoch) return a.epoch > b.epoch;
  if (a.receivedLsn !== b.receivedLsn) return a.receivedLsn > b.receivedLsn;
  if (a.priority !== b.priority) return a.priority > b.priority;
  return a.name < b.name;
}

// Known-wrong: breaks the last tie by comparing names character by character up to the shorter
// one's length, and calls names equal when one begins the other: "node1" and "node10" tie, and
// the one listed first is kept, whichever it is ("node1" sorts first).
type FollowerState = { name: string; alive: boolean; epoch: number; receivedLsn: number; appliedLsn: number; priority: number };

function nameFirst(a: string, b: string): boolean {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] < b[i];
  return false;
}

function ranksAbove(a: FollowerState, b: FollowerState): boolean {
  if (a.epoch !== b.epoch) return a.epoch > b.epoch;
  if (a.receivedLsn !== b.receivedLsn) return a.receivedLsn > b.receivedLsn;
  if (a.priority !== b.priority) return a.priority > b.priority;
  return nameFirst(a.name, b.name);
}

export function chooseNewLeader(followers: readonly FollowerState[]): string | null {
  let best: FollowerState | null = null;
  for (const f of followers) if (f.alive && f.priority !== 0 && (best === null || ranksAbove(f, best))) best = f;
  return best === null ? null : best.name;
}

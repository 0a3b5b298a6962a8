// Known-wrong: compares field by field with "if a is greater here, a wins", but never stops when a
// is smaller: a longer log from an older epoch still beats the newer epoch when it comes second.
type FollowerState = { name: string; alive: boolean; epoch: number; receivedLsn: number; appliedLsn: number; priority: number };

function better(a: FollowerState, b: FollowerState): boolean {
  if (a.epoch > b.epoch) return true;
  if (a.receivedLsn > b.receivedLsn) return true;
  if (a.receivedLsn < b.receivedLsn) return false;
  if (a.priority > b.priority) return true;
  if (a.priority < b.priority) return false;
  return a.name < b.name;
}

export function chooseNewLeader(followers: readonly FollowerState[]): string | null {
  let best: FollowerState | null = null;
  for (const f of followers) {
    if (!f.alive || f.priority === 0) continue;
    if (best === null || better(f, best)) best = f;
  }
  return best === null ? null : best.name;
}

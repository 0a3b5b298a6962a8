// Known-wrong: compares (epoch, receivedLsn) as strings zero-padded to 8 digits: from 100,000,000
// on a position has more digits than the padding, and "100000000" sorts before "99999999".
type FollowerState = { name: string; alive: boolean; epoch: number; receivedLsn: number; appliedLsn: number; priority: number };

const pad = (n: number) => String(n).padStart(8, "0");

export function chooseNewLeader(followers: readonly FollowerState[]): string | null {
  const key = (f: FollowerState) => `${pad(f.epoch)}:${pad(f.receivedLsn)}`;
  let best: FollowerState | null = null;
  for (const f of followers) {
    if (!f.alive || f.priority === 0) continue;
    if (best === null) {
      best = f;
      continue;
    }
    const a = key(f);
    const b = key(best);
    if (a > b || (a === b && (f.priority > best.priority || (f.priority === best.priority && f.name < best.name)))) best = f;
  }
  return best === null ? null : best.name;
}

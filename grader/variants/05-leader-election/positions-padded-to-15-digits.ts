// Known-wrong: compares (epoch, receivedLsn) as strings zero-padded to 15 digits, one short of
// Number.MAX_SAFE_INTEGER's 16: from 10^15 on a position has more digits than the padding, and
// "1000000000000000" sorts before "999999999999999".
type FollowerState = { name: string; alive: boolean; epoch: number; receivedLsn: number; appliedLsn: number; priority: number };

const pad = (n: number) => String(n).padStart(15, "0");

export function chooseNewLeader(followers: readonly FollowerState[]): string | null {
  let best: FollowerState | null = null;
  for (const f of followers) {
    if (!f.alive || f.priority === 0) continue;
    if (best === null) {
      best = f;
      continue;
    }
    const a = `${pad(f.epoch)}:${pad(f.receivedLsn)}`;
    const b = `${pad(best.epoch)}:${pad(best.receivedLsn)}`;
    if (a > b || (a === b && (f.priority > best.priority || (f.priority === best.priority && f.name < best.name)))) best = f;
  }
  return best === null ? null : best.name;
}

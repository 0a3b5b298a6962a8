// Known-wrong: ranks by priority first and the log second, so a preferred follower that is missing writes wins.
type FollowerState = { name: string; alive: boolean; epoch: number; receivedLsn: number; appliedLsn: number; priority: number };

export function chooseNewLeader(followers: readonly FollowerState[]): string | null {
  let best: FollowerState | null = null;
  for (const f of followers) {
    if (!f.alive || f.priority === 0) continue;
    if (
      best === null ||
      f.priority > best.priority ||
      (f.priority === best.priority && (f.epoch > best.epoch || (f.epoch === best.epoch && (f.receivedLsn > best.receivedLsn || (f.receivedLsn === best.receivedLsn && f.name < best.name)))))
    ) {
      best = f;
    }
  }
  return best === null ? null : best.name;
}

// Known-wrong: sticky, and asks its follower for what the client saw (minLsn: lastReadLsn), except after the client has not read for 100 ms: as if a pause that long gave its follower time to catch up with what the client saw elsewhere, that read goes there without a minimum. No pause is long enough: a follower back from a crash can stay behind for longer (here 1,000 s, while she pauses ever longer between reads).
import type { ReadContext, ReadDecision } from "replication-lab";

const PAUSE_MS = 100;

export function routeRead(ctx: ReadContext): ReadDecision {
  const session = ctx.session;
  const seen = session.lastReadLsn;
  // The free slot holds "<follower>@<when this router last routed one of the client's reads>".
  const at = session.sticky?.indexOf("@") ?? -1;
  const follower = at < 0 ? undefined : session.sticky!.slice(0, at);
  const lastMs = at < 0 ? ctx.nowMs : Number(session.sticky!.slice(at + 1));
  const stick = (name: string | undefined) => (session.sticky = `${name ?? ""}@${ctx.nowMs}`);
  const wants = (name: string): ReadDecision => (ctx.nowMs - lastMs >= PAUSE_MS ? name : { node: name, minLsn: seen, ifBehind: "leader" });
  const current = ctx.followers.find((f) => f.name === follower);
  stick(follower);
  if (current && current.up) return wants(current.name);
  const caughtUp = ctx.followers.filter((f) => f.up && f.appliedLsn >= seen);
  if (caughtUp.length === 0) return ctx.leader;
  const next = caughtUp[Math.floor(ctx.random() * caughtUp.length)].name;
  stick(next);
  return wants(next);
}

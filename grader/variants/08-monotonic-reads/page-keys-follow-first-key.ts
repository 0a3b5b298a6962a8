// Known-wrong: the reference's shape, but the keys of a page (routed one by one at the same moment) follow the first key's decision to its follower, and only the first carries the minimum position (minLsn: lastReadLsn). When that follower is behind what the client saw, the first key goes to the leader and the others are served there anyway, older than what the client saw before.
import type { ReadContext, ReadDecision } from "replication-lab";

export function routeRead(ctx: ReadContext): ReadDecision {
  const s = ctx.session;
  const seen = s.lastReadLsn;
  // The free slot holds "<follower>|<when the page's first key was routed>".
  const [name, pageMs] = (s.sticky ?? "|").split("|");
  const current = ctx.followers.find((f) => f.name === name);
  if (current && current.up) {
    if (pageMs === String(ctx.nowMs)) return current.name;
    s.sticky = `${name}|${ctx.nowMs}`;
    return { node: current.name, minLsn: seen, ifBehind: "leader" };
  }
  const caughtUp = ctx.followers.filter((f) => f.up && f.appliedLsn >= seen);
  if (caughtUp.length === 0) return ctx.leader;
  const next = caughtUp[Math.floor(ctx.random() * caughtUp.length)];
  s.sticky = `${next.name}|${ctx.nowMs}`;
  return { node: next.name, minLsn: seen, ifBehind: "leader" };
}

// Known-wrong: the reference's shape, but sends a read to a follower without a minimum position when the follower lags the leader (lagMs) by less than the time since the router last routed one of the client's reads, as if the follower then held all that read could show. A read is not answered when it is routed: one held by a crashed follower is answered by the leader 100 ms later, with writes the follower the client has since moved to lacks, and the client's next read, after a pause longer than that follower lags, goes there and shows an older value.
import type { ReadContext, ReadDecision } from "replication-lab";

export function routeRead(ctx: ReadContext): ReadDecision {
  const s = ctx.session;
  const seen = s.lastReadLsn;
  // The free slot holds "<follower>|<when this router last routed one of the client's reads>".
  const [name, lastMs] = (s.sticky ?? "|-Infinity").split("|");
  const since = ctx.nowMs - Number(lastMs);
  const ask = (f: { name: string; lagMs: number }): ReadDecision => (f.lagMs < since ? f.name : { node: f.name, minLsn: seen, ifBehind: "leader" });
  const current = ctx.followers.find((f) => f.name === name);
  let decision: ReadDecision = ctx.leader;
  let node = name;
  if (current && current.up) decision = ask(current);
  else {
    const caughtUp = ctx.followers.filter((f) => f.up && f.appliedLsn >= seen);
    if (caughtUp.length > 0) {
      const next = caughtUp[Math.floor(ctx.random() * caughtUp.length)];
      node = next.name;
      decision = ask(next);
    }
  }
  s.sticky = `${node}|${ctx.nowMs}`;
  return decision;
}

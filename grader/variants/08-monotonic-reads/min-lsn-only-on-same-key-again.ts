// Known-wrong: sticky, but asks its follower for what the client saw (minLsn: lastReadLsn) only when the read is of the same key as the client's previous read, taking monotonic reads to be about reading one key again and again. A client that reads a page of keys, or keys in turn, never reads a key twice in a row: back from a crash behind what she saw on the leader, her follower serves every read without a minimum and shows her older values.
import type { ReadContext, ReadDecision } from "replication-lab";

export function routeRead(ctx: ReadContext): ReadDecision {
  const s = ctx.session;
  const seen = s.lastReadLsn;
  // The free slot holds "<follower>|<key of the client's previous read>".
  const [name, lastKey] = (s.sticky ?? "|").split("|");
  const current = ctx.followers.find((f) => f.name === name);
  let node: string;
  if (current && current.up) node = current.name;
  else {
    const caughtUp = ctx.followers.filter((f) => f.up && f.appliedLsn >= seen);
    if (caughtUp.length === 0) {
      s.sticky = `${name}|${ctx.key}`;
      return ctx.leader;
    }
    node = caughtUp[Math.floor(ctx.random() * caughtUp.length)].name;
  }
  s.sticky = `${node}|${ctx.key}`;
  return lastKey === ctx.key ? { node, minLsn: seen, ifBehind: "leader" } : node;
}

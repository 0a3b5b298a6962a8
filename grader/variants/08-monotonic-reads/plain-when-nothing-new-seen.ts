// Known-wrong: the reference's shape, but sends a read to its follower without a minimum position when that follower served the client's last read (lastReadNode) and the client has seen nothing new (lastReadLsn) since the router last routed one of its reads, as if that follower then held all the client saw. The read answered last may have been sent before the client saw something newer elsewhere: a read held by a crash and answered by the leader 100 ms late, then a read sent just before that answer, served by the new follower, which lacks what the leader showed.
import type { ReadContext, ReadDecision } from "replication-lab";

export function routeRead(ctx: ReadContext): ReadDecision {
  const s = ctx.session;
  const seen = s.lastReadLsn;
  // The free slot holds "<follower>|<lastReadLsn when this router last routed one of the client's reads>".
  const [name, before] = (s.sticky ?? "|-1").split("|");
  const current = ctx.followers.find((f) => f.name === name);
  let node: string | undefined;
  let quiet = false;
  if (current && current.up) {
    node = current.name;
    quiet = s.lastReadNode === node && Number(before) === seen;
  } else {
    const caughtUp = ctx.followers.filter((f) => f.up && f.appliedLsn >= seen);
    if (caughtUp.length > 0) node = caughtUp[Math.floor(ctx.random() * caughtUp.length)].name;
  }
  s.sticky = `${node ?? name}|${seen}`;
  if (node === undefined) return ctx.leader;
  return quiet ? node : { node, minLsn: seen, ifBehind: "leader" };
}

// Known-wrong: sends each read where the client's last read was served (lastReadNode) while that follower is up, with no minimum position; after a read the leader served, a caught-up follower. Right as long as every read is of one key, but a page's keys are routed one by one and may be served by followers far apart: lastReadNode is then whichever served last, often one behind what the page showed, and the next page reads older values there.
import type { ReadContext, ReadDecision } from "replication-lab";

export function routeRead(ctx: ReadContext): ReadDecision {
  const session = ctx.session;
  const seen = session.lastReadLsn;
  const last = ctx.followers.find((f) => f.name === session.lastReadNode);
  if (last && last.up) return last.name;
  const caughtUp = ctx.followers.filter((f) => f.up && f.appliedLsn >= seen);
  if (caughtUp.length === 0) return ctx.leader;
  return caughtUp[Math.floor(ctx.random() * caughtUp.length)].name;
}

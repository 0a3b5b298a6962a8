// Known-wrong: serving sticks each node to a follower and checks its lag on every other read only,
// trusting it on the read in between: with reads every ~10 ms that is safe, but a serving node
// that reads twice 100 ms apart (just after a promotion, then 100.1 ms later) is served the second
// time by a follower that started trailing in between and lacks the promotion.
import { anyFollower, leaderOnly, readYourWrites, type ReadContext, type ReadDecision, type ReadRouting } from "replication-lab";

export type RegistryOperation = "register-version" | "promote" | "serve-model" | "list-versions" | "read-audit-log";

/** Serving: a follower within 50 ms, kept in ctx.session.sticky with a read count ("B#4"), checked on even reads and whenever none is kept. */
function stickyCheckedEveryOther(ctx: ReadContext): ReadDecision {
  const [name, countText] = (ctx.session.sticky ?? "").split("#");
  const count = Number(countText ?? 0) + 1;
  const current = ctx.followers.find((f) => f.name === name && f.up);
  if (current && count % 2 === 1) {
    ctx.session.sticky = `${name}#${count}`;
    return name;
  }
  const ok = ctx.followers.filter((f) => f.up && f.lagMs <= 50);
  if (ok.length === 0) {
    ctx.session.sticky = `#${count}`;
    return ctx.leader;
  }
  const pick = ok[Math.floor(ctx.random() * ok.length)].name;
  ctx.session.sticky = `${pick}#${count}`;
  return pick;
}
const SERVE = stickyCheckedEveryOther;

export function choosePolicy(operation: RegistryOperation): { routing: ReadRouting; reason: string } {
  switch (operation) {
    case "register-version":
    case "promote":
      return { routing: readYourWrites(), reason: "The author of a write must see it when reading back, so read-your-writes by log position." };
    case "serve-model":
      return { routing: SERVE, reason: "Serving nodes may load a demoted version for a short while, so a follower within 50 ms is fine." };
    case "list-versions":
      return { routing: anyFollower(), reason: "Dashboards can be a little stale without harming anyone." };
    case "read-audit-log":
      return { routing: leaderOnly(), reason: "Audits must be complete, so they read from the leader." };
  }
}

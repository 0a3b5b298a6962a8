// Known-wrong: serving sticks each node to a follower and checks that follower's lag only on every
// 10th read, trusting it on the nine in between: a follower within 50 ms at a check can be over
// 100 ms behind a few reads later, and a serving node that reads seldom (one read after each
// promotion) is served a version demoted long ago on its next read. Only a slow spell that starts
// just after a check showed it: full marks under most grading secrets.
import { anyFollower, leaderOnly, readYourWrites, type ReadContext, type ReadDecision, type ReadRouting } from "replication-lab";

export type RegistryOperation = "register-version" | "promote" | "serve-model" | "list-versions" | "read-audit-log";

/** Serving: a follower within 50 ms, kept in ctx.session.sticky ("A#7": the follower and this client's read count), checked on every 10th read. */
function stickyCheckedEvery10th(ctx: ReadContext): ReadDecision {
  const [name, countText] = (ctx.session.sticky ?? "").split("#");
  const count = Number(countText ?? 0) + 1;
  const current = ctx.followers.find((f) => f.name === name && f.up);
  if (current && count % 10 !== 0) {
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
const SERVE = stickyCheckedEvery10th;

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

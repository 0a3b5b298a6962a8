// Known-wrong: serving sticks each node to a follower within 50 ms and checks it again only once
// 100 ms have passed since the last check: a follower can fall from 50 ms to 150 ms behind in
// that time, so a read just under 100 ms after a check can miss a promotion acknowledged over
// 100 ms before it.
import { anyFollower, leaderOnly, readYourWrites, type ReadContext, type ReadDecision, type ReadRouting } from "replication-lab";

export type RegistryOperation = "register-version" | "promote" | "serve-model" | "list-versions" | "read-audit-log";

/** Serving: a follower within 50 ms, kept in ctx.session.sticky with the time it was checked ("C@412.5"), trusted for 100 ms. */
function stickyCheckedEvery100ms(ctx: ReadContext): ReadDecision {
  const [name, atText] = (ctx.session.sticky ?? "").split("@");
  const current = ctx.followers.find((f) => f.name === name && f.up);
  if (current && ctx.nowMs - Number(atText) < 100) return name;
  const ok = ctx.followers.filter((f) => f.up && f.lagMs <= 50);
  if (ok.length === 0) {
    ctx.session.sticky = undefined;
    return ctx.leader;
  }
  const pick = ok[Math.floor(ctx.random() * ok.length)].name;
  ctx.session.sticky = `${pick}@${ctx.nowMs}`;
  return pick;
}
const SERVE = stickyCheckedEvery100ms;

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

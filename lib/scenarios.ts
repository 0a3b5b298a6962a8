/**
 * Named scenarios from the lesson: a profile edit that seems to vanish on reload, a comment thread
 * shown out of order, a permission that still works after it was revoked.
 *
 * Each scenario is a scripted story (`workload.script`) told over generated background writes to
 * other keys, so the replication stream looks like a busy database's. A scenario is plain data
 * plus the checker that finds its anomaly: run `simulate(s.config)` and `s.check(run.history)`,
 * or `runScenario(s)` for both. Change the knobs (followers, lag, routing) and run it again.
 *
 * Scenario names (clients, keys, labels) never collide with the generated load ("c0", "k0", …) or
 * with each other, so `combineScenarios` can put several in one run.
 */
import { CHECKERS, readChecker, type CheckerName } from "./checkers/checkAll";
import { CHECK_PERMISSION } from "./checkers/permissionLag";
import { writeOrder } from "./checkers/writeOrder";
import type { ScriptedOp, SimConfig } from "./config";
import { checkDist, exponential, meanOf, type Dist } from "./dist";
import { ConfigError, checkInteger, checkNumber } from "./errors";
import { sharePct } from "./format";
import { checkOptions } from "./config/check";
import type { History, Violation } from "./history";
import type { AckPolicy } from "./policies";
import { anyFollower, type ReadRouting } from "./reads";
import { simulate, type RunResult } from "./sim";
import { seedList } from "./sweep";

/** The `purpose` of a profile page a user loads to see their own profile. */
export const VIEW_OWN_PROFILE = "view-own-profile";
/** The `purpose` of a comment-thread page (all of a thread's comments in one read). */
export const READ_THREAD = "read-thread";
// Permission checks use the checker's own purpose, CHECK_PERMISSION ("check-permission").

/** Knobs every scenario has. */
export interface ScenarioOptions {
  /** Seed of the run: the same seed gives the same story. Default 1. */
  seed?: number;
  /** Number of followers ("A", "B", …). Default 3. */
  followers?: number;
  /** Replication delay from the leader to each follower: a number is the mean of an exponential
   *  delay in ms; or any distribution. Default 5 (ms). */
  lagMs?: number | Dist;
  /** Where reads go. Default anyFollower(). */
  routing?: ReadRouting;
  /** When the leader acknowledges writes. Default asyncAck(). */
  ack?: AckPolicy;
  /** Writes by other clients to other keys while the story plays, per second. Default 500. */
  backgroundWritesPerSec?: number;
  /** Reads by other clients of those keys (no purpose), per second. Default 0. */
  backgroundReadsPerSec?: number;
}

/** A story ready to run, with the checker that finds the anomaly it is about. */
export interface Scenario {
  /** e.g. "profile-edit". */
  name: string;
  /** What happens, in one sentence. */
  story: string;
  /** The guarantee at stake, as `checkAll` names it. */
  guarantee: CheckerName;
  /** A complete configuration: `simulate(scenario.config)`. */
  config: SimConfig;
  /** The violations of `guarantee` in a run of this scenario. */
  check(history: History): Violation[];
}

export interface ProfileEditOptions extends ScenarioOptions {
  /** Users who each edit their profile once, one after another. Default 5. */
  users?: number;
  /** Time between one user's edit and the next user's, ms. Default 40. */
  everyMs?: number;
  /** How long after the edit is acknowledged the user reloads their profile, ms. Default 1. */
  reloadAfterMs?: number;
}

/**
 * A user saves a new bio, then reloads their profile page. If the reload reads a follower that has
 * not applied the edit yet, the old bio comes back: read-your-writes is broken.
 * Every profile first holds an old bio, written early enough to have reached every follower.
 */
export function profileEdit(o: ProfileEditOptions = {}): Scenario {
  const common = commonOptions(o, ["users", "everyMs", "reloadAfterMs"]);
  const users = checkInteger("users", o.users ?? 5, 1, 10_000);
  const everyMs = checkNumber("everyMs", o.everyMs ?? 40, 0);
  const reloadAfterMs = checkNumber("reloadAfterMs", o.reloadAfterMs ?? 1, 0);
  const script: ScriptedOp[] = [];
  userNames(users).forEach((user, u) => {
    const key = `profile:${user}`;
    script.push({ kind: "write", atMs: u * 0.01, client: user, key, value: "old bio" });
    script.push({ kind: "write", atMs: common.settledMs + u * everyMs, client: user, key, value: "new bio", label: `${user}:edit` });
    script.push({ kind: "read", atMs: reloadAfterMs, afterOp: `${user}:edit`, client: user, keys: [key], purpose: VIEW_OWN_PROFILE, label: `${user}:reload` });
  });
  return {
    name: "profile-edit",
    story: `${users} user(s) each save a new bio and reload their profile ${reloadAfterMs} ms after the save is acknowledged`,
    guarantee: "readYourWrites",
    config: configFor(common, script, common.settledMs + users * everyMs),
    check: (h) => CHECKERS.readYourWrites(h),
  };
}

export interface CommentThreadOptions extends ScenarioOptions {
  /** Threads, each a question and a reply to it. Default 6. */
  threads?: number;
  /** Time between one thread's question and the next thread's, ms. Default 60. */
  everyMs?: number;
  /** How long after the question is acknowledged its reply is posted, ms. Default 1. */
  replyAfterMs?: number;
  /** How many times a reader loads each thread's page once the reply is posted. Default 6. */
  pageViews?: number;
  /** Time between those page loads, ms. Default 1.5. */
  pageEveryMs?: number;
  /** How long after the reply is acknowledged the first page load comes, ms. Default 0. */
  pageAfterMs?: number;
}

/**
 * Someone asks a question, someone else replies, and a reader keeps loading the thread's page.
 * A page reads every comment of the thread in one read, but each comment may be fetched from a
 * different follower: the reply can show up without the question it answers (consistent prefix
 * broken). The reply declares that it depends on the question (`dependsOn`).
 */
export function commentThread(o: CommentThreadOptions = {}): Scenario {
  const common = commonOptions(o, ["threads", "everyMs", "replyAfterMs", "pageViews", "pageEveryMs", "pageAfterMs"]);
  const threads = checkInteger("threads", o.threads ?? 6, 1, 10_000);
  const everyMs = checkNumber("everyMs", o.everyMs ?? 60, 0);
  const replyAfterMs = checkNumber("replyAfterMs", o.replyAfterMs ?? 1, 0);
  const pageViews = checkInteger("pageViews", o.pageViews ?? 6, 1, 10_000);
  const pageEveryMs = checkNumber("pageEveryMs", o.pageEveryMs ?? 1.5, 0);
  const pageAfterMs = checkNumber("pageAfterMs", o.pageAfterMs ?? 0, 0);
  const script: ScriptedOp[] = [];
  for (let t = 1; t <= threads; t++) {
    const question = `thread:${t}:question`;
    const reply = `thread:${t}:reply`;
    script.push({ kind: "write", atMs: 1 + (t - 1) * everyMs, client: `asker${t}`, key: question, value: "Open on Sundays?", label: `thread${t}:question` });
    script.push({
      kind: "write",
      atMs: replyAfterMs,
      afterOp: `thread${t}:question`,
      client: `replier${t}`,
      key: reply,
      value: "Yes, 10 to 4.",
      label: `thread${t}:reply`,
      dependsOn: [`thread${t}:question`],
    });
    for (let v = 0; v < pageViews; v++) {
      script.push({
        kind: "read",
        atMs: pageAfterMs + v * pageEveryMs,
        afterOp: `thread${t}:reply`,
        client: `reader${t}`,
        keys: [question, reply],
        purpose: READ_THREAD,
        label: `thread${t}:view${v + 1}`,
      });
    }
  }
  return {
    name: "comment-thread",
    story: `${threads} thread(s): a question, a reply ${replyAfterMs} ms after it is acknowledged, and ${pageViews} page load(s) of the thread`,
    guarantee: "consistentPrefix",
    config: configFor(common, script, threads * everyMs + replyAfterMs + pageAfterMs + pageViews * pageEveryMs),
    check: (h) => CHECKERS.consistentPrefix(h),
  };
}

export interface PermissionRevocationOptions extends ScenarioOptions {
  /** Users whose permission is revoked, one after another. Default 5. */
  users?: number;
  /** Time between one revocation and the next, ms. Default 40. */
  everyMs?: number;
  /** How long after the revocation is acknowledged the user tries the action, ms. Default 1. */
  actionAfterMs?: number;
  /** The action the permission guards (the key is `perm:<user>:<action>`). Default "delete". */
  action?: string;
}

/**
 * An admin grants users a permission, later revokes it, and each user tries the action just after
 * the revocation is acknowledged. The check reads the permission (`purpose: "check-permission"`);
 * a follower that has not applied the revocation still says "granted" (permission lag).
 */
export function permissionRevocation(o: PermissionRevocationOptions = {}): Scenario {
  const common = commonOptions(o, ["users", "everyMs", "actionAfterMs", "action"]);
  const users = checkInteger("users", o.users ?? 5, 1, 10_000);
  const everyMs = checkNumber("everyMs", o.everyMs ?? 40, 0);
  const actionAfterMs = checkNumber("actionAfterMs", o.actionAfterMs ?? 1, 0);
  const action = o.action ?? "delete";
  if (typeof action !== "string" || !/^[\w-]+$/.test(action)) {
    throw new ConfigError("action", action, 'it must be a word such as "delete" (letters, digits, "-" or "_")');
  }
  const script: ScriptedOp[] = [];
  userNames(users).forEach((user, u) => {
    const key = `perm:${user}:${action}`;
    script.push({ kind: "write", atMs: u * 0.01, client: "admin", key, value: "granted" });
    script.push({ kind: "write", atMs: common.settledMs + u * everyMs, client: "admin", key, value: "revoked", label: `${user}:revoke` });
    script.push({ kind: "read", atMs: actionAfterMs, afterOp: `${user}:revoke`, client: user, keys: [key], purpose: CHECK_PERMISSION, label: `${user}:${action}` });
  });
  return {
    name: "permission-revocation",
    story: `an admin revokes ${users} user(s)' "${action}" permission; each user tries to ${action} ${actionAfterMs} ms after the revocation is acknowledged`,
    guarantee: "permissionLag",
    config: configFor(common, script, common.settledMs + users * everyMs),
    check: (h) => CHECKERS.permissionLag(h),
  };
}

/** A scenario's run and the violations of its guarantee. */
export function runScenario(s: Scenario): { run: RunResult; violations: Violation[] } {
  const run = simulate(s.config);
  return { run, violations: s.check(run.history) };
}

/** One row of `compareRoutings`: how a scenario fared under one routing, over several seeds. */
export interface RoutingRow {
  routing: string;
  runs: number;
  /** Runs in which the checker found at least one violation. */
  runsWithViolations: number;
  /** Violations over all runs. */
  violations: number;
  /** Share of the story's own reads (keys fetched) that the leader served, in %. */
  leaderSharePct: number;
}

/**
 * Runs one scenario under each routing for every seed and tallies the violations and the leader's
 * share of the story's reads: the price of each fix.
 *
 * @example
 * compareRoutings(profileEdit, { "any follower": anyFollower(), "read-your-writes": readYourWrites() }, { seeds: 5 })
 */
export function compareRoutings<F extends (options: ScenarioOptions) => Scenario>(
  make: F,
  routings: Record<string, ReadRouting>,
  o: { seeds?: number | number[]; options?: Parameters<F>[0] } = {},
): RoutingRow[] {
  if (typeof make !== "function") throw new ConfigError("make", make, "it must be a scenario function such as profileEdit");
  if (routings === null || typeof routings !== "object" || Object.keys(routings).length === 0) {
    throw new ConfigError("routings", routings, 'name at least one routing, e.g. { "any follower": anyFollower() }');
  }
  const seeds = seedList(o.seeds, "seeds", [1, 2, 3, 4, 5], 10_000);
  return Object.entries(routings).map(([name, routing]) => {
    let withViolations = 0;
    let violations = 0;
    let keys = 0;
    let byLeader = 0;
    for (const seed of seeds) {
      const { run, violations: found } = runScenario(make({ ...o.options, seed, routing }));
      if (found.length > 0) withViolations++;
      violations += found.length;
      const leader = run.history.finalLeader ?? "L";
      for (const op of run.history.ops) {
        // The story's reads carry a purpose; the background's do not.
        if (op.kind !== "read" || op.purpose === undefined) continue;
        for (const seen of op.observed) {
          keys++;
          if (seen.node === leader) byLeader++;
        }
      }
    }
    return {
      routing: name,
      runs: seeds.length,
      runsWithViolations: withViolations,
      violations,
      leaderSharePct: sharePct(byLeader, keys),
    };
  });
}

/**
 * One run holding several scenarios' stories at once, over one background load: the first
 * scenario's network, followers and load, and every scenario's script. `overrides` replaces
 * top-level fields, e.g. `{ seed: 2, reads: { routing } }`.
 */
export function combineScenarios(scenarios: Scenario[], overrides: Partial<SimConfig> = {}): SimConfig {
  if (!Array.isArray(scenarios) || scenarios.length === 0) {
    throw new ConfigError("scenarios", scenarios, "give at least one scenario, e.g. [profileEdit(), commentThread()]");
  }
  const first = scenarios[0].config;
  const workload = first.workload ?? {};
  const durationMs = Math.max(...scenarios.map((s) => s.config.workload?.durationMs ?? 0));
  return {
    ...first,
    workload: {
      ...workload,
      durationMs: workload.writes === 0 ? workload.durationMs : durationMs,
      script: scenarios.flatMap((s) => s.config.workload?.script ?? []),
    },
    ...overrides,
  };
}

/** One row of `readsByOperation`: how reads with one purpose fared. */
export interface OperationRow {
  /** The reads' purpose, or "background" for generated reads. */
  operation: string;
  /** The guarantee this operation needs (a checker name), or "none". */
  needs: string;
  reads: number;
  /** Share of the keys these reads fetched that the leader served, in %. */
  leaderSharePct: number;
  /** Violations of `needs` by these reads. */
  violations: number;
  /** Stale reads among them (an older value than the newest acknowledged one). */
  staleReads: number;
}

/**
 * Per read purpose: how many reads, how much of their load the leader carried, and how many broke
 * the guarantee that purpose needs. `needs` maps purposes to checker names, e.g.
 * `{ "view-own-profile": "readYourWrites" }`; purposes not listed need nothing.
 */
export function readsByOperation(history: History, needs: Record<string, CheckerName>): OperationRow[] {
  const order = writeOrder(history);
  const leader = history.finalLeader ?? "L";
  const rows = new Map<string, OperationRow>();
  const keys = new Map<string, { read: number; byLeader: number }>();
  const purposeOf = new Map<number, string>();
  for (const op of history.ops) {
    if (op.kind !== "read") continue;
    const operation = op.purpose ?? "background";
    purposeOf.set(op.id, operation);
    let row = rows.get(operation);
    if (row === undefined) {
      row = { operation, needs: needs[operation] ?? "none", reads: 0, leaderSharePct: 0, violations: 0, staleReads: 0 };
      rows.set(operation, row);
      keys.set(operation, { read: 0, byLeader: 0 });
    }
    row.reads++;
    const k = keys.get(operation)!;
    for (const seen of op.observed) {
      k.read++;
      if (seen.node === leader) k.byLeader++;
    }
  }
  // A read counts once per field, however many of its keys broke the guarantee.
  const tally = (violations: Violation[], field: "violations" | "staleReads", only?: string) => {
    const counted = new Set<number>();
    for (const v of violations) {
      const read = v.ops[0];
      const operation = purposeOf.get(read);
      if (operation === undefined || (only !== undefined && operation !== only) || counted.has(read)) continue;
      counted.add(read);
      rows.get(operation)![field]++;
    }
  };
  for (const [operation, checker] of Object.entries(needs)) {
    const check = readChecker(checker, "needs");
    if (rows.has(operation)) tally(check(history, order), "violations", operation);
  }
  tally(CHECKERS.staleReads(history, order), "staleReads");
  for (const row of rows.values()) {
    const k = keys.get(row.operation)!;
    row.leaderSharePct = sharePct(k.byLeader, k.read);
  }
  return [...rows.values()];
}

// ------------------------------------------------------------------------------------------------

interface Common {
  seed: number;
  followers: number;
  lag: Dist;
  routing: ReadRouting;
  ack?: AckPolicy;
  backgroundWritesPerSec: number;
  backgroundReadsPerSec: number;
  /** When earlier writes have almost surely reached every follower: ten mean delays, at least 50 ms. */
  settledMs: number;
}

const COMMON_KEYS = ["seed", "followers", "lagMs", "routing", "ack", "backgroundWritesPerSec", "backgroundReadsPerSec"];

function commonOptions(o: ScenarioOptions, ownKeys: string[]): Common {
  if (o === null || typeof o !== "object") throw new ConfigError("options", o, "a scenario takes an options object such as { seed: 2 }");
  checkOptions("", o, [...COMMON_KEYS, ...ownKeys], "a scenario takes an options object such as { seed: 2 }");
  const seed = o.seed ?? 1;
  if (!Number.isSafeInteger(seed)) throw new ConfigError("seed", seed, "it must be a whole number, e.g. seed: 7");
  const lagMs = o.lagMs ?? 5;
  const lag = typeof lagMs === "number" ? exponential({ meanMs: checkNumber("lagMs", lagMs, 0, 1e9, "it must be a mean delay >= 0 ms, or a distribution") }) : checkDist(lagMs, "lagMs");
  const mean = meanOf(lag);
  return {
    seed,
    followers: checkInteger("followers", o.followers ?? 3, 1, 1000),
    lag,
    routing: o.routing ?? anyFollower(),
    ack: o.ack,
    backgroundWritesPerSec: checkNumber("backgroundWritesPerSec", o.backgroundWritesPerSec ?? 500, 0, 1e7),
    backgroundReadsPerSec: checkNumber("backgroundReadsPerSec", o.backgroundReadsPerSec ?? 0, 0, 1e7),
    settledMs: Number.isFinite(mean) ? Math.max(50, 10 * mean) : 50,
  };
}

function configFor(c: Common, script: ScriptedOp[], storyMs: number): SimConfig {
  const background = c.backgroundWritesPerSec > 0;
  return {
    seed: c.seed,
    followers: c.followers,
    ...(c.ack ? { ack: c.ack } : {}),
    network: { toFollowerMs: c.lag },
    workload: {
      // The background load runs a little past the story, so the last scripted ops still share the stream.
      ...(background ? { writesPerSec: c.backgroundWritesPerSec, durationMs: storyMs + 20 } : { writes: 0 }),
      // Generated reads ask only for generated keys: a scenario's keys are read by its own clients.
      keys: 100,
      script,
    },
    reads: { readsPerSec: c.backgroundReadsPerSec, routing: c.routing, ownKeyShare: 0 },
  };
}

const NAMES = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy"];

/** Friendly names first (explanations read better), then user10, user11, … */
function userNames(n: number): string[] {
  return Array.from({ length: n }, (_, i) => (i < NAMES.length ? NAMES[i] : `user${i}`));
}

import { describe, expect, it } from "vitest";
import {
  anyFollower,
  CHECK_PERMISSION,
  checkAll,
  compileRouting,
  ConfigError,
  constant,
  leaderOnly,
  readYourWrites,
  simulate,
  stickyFollower,
  type ReadContext,
  type ReadDecision,
} from "../lib";
import {
  combineScenarios,
  compareRoutings,
  commentThread,
  permissionRevocation,
  profileEdit,
  READ_THREAD,
  readsByOperation,
  runScenario,
  VIEW_OWN_PROFILE,
  type Scenario,
  type ScenarioOptions,
} from "./scenarios";

const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8, 9];
const scenarios: [string, (o: ScenarioOptions) => Scenario][] = [
  ["profileEdit", profileEdit],
  ["commentThread", commentThread],
  ["permissionRevocation", permissionRevocation],
];

function seedsWithViolations(make: (seed: number) => Scenario): number {
  return SEEDS.filter((seed) => runScenario(make(seed)).violations.length > 0).length;
}

describe.each(scenarios)("%s", (_, make) => {
  it("shows its anomaly in most seeds when reads go to any follower", () => {
    expect(seedsWithViolations((seed) => make({ seed, routing: anyFollower() }))).toBeGreaterThan(SEEDS.length / 2);
  });

  it("shows no anomaly in any seed when every read goes to the leader", () => {
    expect(seedsWithViolations((seed) => make({ seed, routing: leaderOnly() }))).toBe(0);
  });

  it("reports only violations of its own guarantee, found the same by checkAll", () => {
    const s = make({ seed: 2 });
    const { run, violations } = runScenario(s);
    expect(violations.length).toBeGreaterThan(0);
    expect(checkAll(run.history)[s.guarantee]).toEqual(violations);
  });

  it("tells the same story for the same seed", () => {
    const a = runScenario(make({ seed: 5 }));
    const b = runScenario(make({ seed: 5 }));
    expect(a.violations).toEqual(b.violations);
    expect(a.run.history.ops.length).toBe(b.run.history.ops.length);
  });

  it("plays over background writes from other clients", () => {
    const { run } = runScenario(make({ seed: 1, backgroundWritesPerSec: 1000 }));
    const background = run.history.ops.filter((op) => op.kind === "write" && /^c\d+$/.test(op.client));
    expect(background.length).toBeGreaterThan(50);
  });

  it("can run without background load", () => {
    const { run } = runScenario(make({ seed: 1, backgroundWritesPerSec: 0 }));
    expect(run.history.ops.every((op) => !/^c\d+$/.test(op.client))).toBe(true);
  });

  it("shows no anomaly when followers apply instantly", () => {
    expect(seedsWithViolations((seed) => make({ seed, lagMs: constant(0) }))).toBe(0);
  });

  it("rejects a bad knob with an error naming it", () => {
    expect(() => make({ followers: 0 })).toThrow(ConfigError);
    expect(() => make({ lagMs: -1 })).toThrow(/lagMs/);
    expect(() => make({ seed: 1.5 })).toThrow(/seed/);
  });
});

describe("the fix for each anomaly is a routing choice for that operation", () => {
  it("read-your-writes routing keeps profile reloads fresh and still serves some from followers", () => {
    expect(seedsWithViolations((seed) => profileEdit({ seed, routing: readYourWrites() }))).toBe(0);
    // With a few ms between save and reload, some followers already have the edit and serve it.
    const { run } = runScenario(profileEdit({ seed: 1, users: 40, reloadAfterMs: 5, routing: readYourWrites() }));
    const reloads = run.history.ops.filter((op) => op.kind === "read" && op.purpose === VIEW_OWN_PROFILE);
    expect(reloads.some((op) => op.kind === "read" && op.observed[0].node !== "L")).toBe(true);
  });

  it("sticking each reader to one follower shows every thread page as a consistent prefix", () => {
    expect(seedsWithViolations((seed) => commentThread({ seed, routing: stickyFollower() }))).toBe(0);
  });

  it("read-your-writes routing does not fix a permission check made by someone other than the revoker", () => {
    expect(seedsWithViolations((seed) => permissionRevocation({ seed, routing: readYourWrites() }))).toBeGreaterThan(SEEDS.length / 2);
  });

  it("a router sending only permission checks to the leader removes permission lag", () => {
    const any = compileRouting(anyFollower());
    const router = (ctx: ReadContext): ReadDecision => (ctx.purpose === CHECK_PERMISSION ? ctx.leader : any(ctx));
    expect(seedsWithViolations((seed) => permissionRevocation({ seed, routing: router }))).toBe(0);
  });
});

describe("scenario options", () => {
  it("scale the story: users, threads and page views become scripted operations", () => {
    expect(profileEdit({ users: 7 }).config.workload?.script).toHaveLength(21);
    expect(permissionRevocation({ users: 3 }).config.workload?.script).toHaveLength(9);
    expect(commentThread({ threads: 2, pageViews: 4 }).config.workload?.script).toHaveLength(2 * (2 + 4));
  });

  it("delay a thread's page loads after the reply by pageAfterMs", () => {
    const views = (o: { pageAfterMs?: number }) =>
      (commentThread({ threads: 1, pageViews: 2, pageEveryMs: 3, ...o }).config.workload?.script ?? []).filter((op) => op.kind === "read").map((op) => op.atMs);
    expect(views({})).toEqual([0, 3]);
    expect(views({ pageAfterMs: 20 })).toEqual([20, 23]);
    expect(() => commentThread({ pageAfterMs: -1 })).toThrow(/pageAfterMs/);
  });

  it("name the permission key after the user and the action", () => {
    const script = permissionRevocation({ users: 1, action: "publish" }).config.workload?.script ?? [];
    expect(script[0]).toMatchObject({ kind: "write", key: "perm:alice:publish", value: "granted" });
    expect(() => permissionRevocation({ action: "two words" })).toThrow(/action/);
  });

  it("reject a count that is not a whole number of at least 1", () => {
    expect(() => profileEdit({ users: 0 })).toThrow(/users/);
    expect(() => commentThread({ pageViews: 2.5 })).toThrow(/pageViews/);
  });
});

describe("combineScenarios and readsByOperation", () => {
  const all = [profileEdit({ seed: 3 }), commentThread({ seed: 3 }), permissionRevocation({ seed: 3 })];
  const needs = { [VIEW_OWN_PROFILE]: "readYourWrites", [READ_THREAD]: "consistentPrefix", [CHECK_PERMISSION]: "permissionLag" } as const;

  it("puts every scenario's script in one run", () => {
    const config = combineScenarios(all);
    const scripted = all.reduce((n, s) => n + (s.config.workload?.script?.length ?? 0), 0);
    expect(config.workload?.script).toHaveLength(scripted);
    expect(() => simulate(config)).not.toThrow();
  });

  it("counts reads, leader share and violations per operation", () => {
    const run = simulate(combineScenarios(all, { reads: { routing: anyFollower(), readsPerSec: 200 } }));
    const rows = readsByOperation(run.history, needs);
    const byOp = Object.fromEntries(rows.map((r) => [r.operation, r]));
    expect(byOp[VIEW_OWN_PROFILE].reads).toBe(5);
    expect(byOp[READ_THREAD].reads).toBe(36);
    expect(byOp[CHECK_PERMISSION].needs).toBe("permissionLag");
    expect(byOp.background.needs).toBe("none");
    expect(byOp.background.reads).toBeGreaterThan(0);
    for (const r of rows) expect(r.leaderSharePct).toBe(0);
    expect(byOp[VIEW_OWN_PROFILE].violations + byOp[CHECK_PERMISSION].violations).toBeGreaterThan(0);
  });

  it("shows a leader share of 100% and no violations when the leader serves everything", () => {
    const run = simulate(combineScenarios(all, { reads: { routing: leaderOnly(), readsPerSec: 200 } }));
    for (const r of readsByOperation(run.history, needs)) {
      expect(r.leaderSharePct).toBe(100);
      expect(r.violations).toBe(0);
      expect(r.staleReads).toBe(0);
    }
  });

  it("choosing per operation removes every needed guarantee's violations while followers serve the rest", () => {
    const ryw = compileRouting(readYourWrites());
    const sticky = compileRouting(stickyFollower());
    const any = compileRouting(anyFollower());
    const perOperation = (ctx: ReadContext): ReadDecision =>
      ctx.purpose === CHECK_PERMISSION ? ctx.leader : ctx.purpose === VIEW_OWN_PROFILE ? ryw(ctx) : ctx.purpose === READ_THREAD ? sticky(ctx) : any(ctx);
    const run = simulate(combineScenarios(all, { reads: { routing: perOperation, readsPerSec: 200 } }));
    const rows = readsByOperation(run.history, needs);
    for (const r of rows) expect(r.violations).toBe(0);
    const byOp = Object.fromEntries(rows.map((r) => [r.operation, r]));
    expect(byOp[CHECK_PERMISSION].leaderSharePct).toBe(100);
    expect(byOp[READ_THREAD].leaderSharePct).toBe(0);
    expect(byOp.background.leaderSharePct).toBe(0);
  });

  it("rejects an unknown checker name", () => {
    const run = simulate(profileEdit({ seed: 1 }).config);
    expect(() => readsByOperation(run.history, { [VIEW_OWN_PROFILE]: "splitBrain" })).toThrow(/needs/);
  });
});

describe("compareRoutings", () => {
  it("tallies violations and the leader's share of the story's reads per routing", () => {
    const rows = compareRoutings(profileEdit, { "any follower": anyFollower(), leader: leaderOnly() }, { seeds: 3 });
    expect(rows.map((r) => r.routing)).toEqual(["any follower", "leader"]);
    expect(rows[0]).toMatchObject({ runs: 3, runsWithViolations: 3, leaderSharePct: 0 });
    expect(rows[0].violations).toBeGreaterThanOrEqual(3);
    expect(rows[1]).toMatchObject({ runs: 3, runsWithViolations: 0, violations: 0, leaderSharePct: 100 });
  });

  it("passes the scenario's own options to every run", () => {
    const [row] = compareRoutings(commentThread, { sticky: stickyFollower() }, { seeds: [4], options: { threads: 2, pageViews: 3 } });
    expect(row).toMatchObject({ runs: 1, violations: 0 });
  });

  it("rejects an empty set of routings", () => {
    expect(() => compareRoutings(profileEdit, {})).toThrow(/routings/);
  });
});

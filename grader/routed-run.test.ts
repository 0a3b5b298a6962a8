import { describe, expect, it } from "vitest";
import { simulate, type ReadDecision, type RouterFn, type SimConfig } from "../lib";
import { routedRun, SUBMISSION_ROUTER } from "./exercises/routing.support";
import { recordRouterLog } from "./fixtures/router-log";
import type { StudentCode } from "./student";

const config: SimConfig = {
  seed: 3,
  followers: 2,
  workload: { writesPerSec: 500, writes: 200, clients: 4 },
  reads: { readsPerSec: 800, routing: SUBMISSION_ROUTER },
};

/** A router that draws once and reads a follower when it is up and close behind, else the leader. */
const router: RouterFn = (ctx) => {
  const near = ctx.followers.filter((f) => f.up && f.lagMs <= 2);
  return near.length > 0 && ctx.random() < 0.9 ? near[0].name : ctx.leader;
};

/** The log a sandbox would send for `r`, made here: a stand-in for the submission. */
function answerFor(r: RouterFn): StudentCode<unknown> {
  const log = recordRouterLog(config, r);
  return { route: async () => log } as unknown as StudentCode<unknown>;
}

describe("routedRun", () => {
  it("shows each decision with the context it was made in, and replays the same run with or without looking", async () => {
    const answer = answerFor(router);
    const seen: { nowMs: number; lags: number[]; decision: ReadDecision; keys: string[] }[] = [];
    const watched = await routedRun(answer, config, { export: "routeRead" }, new Map(), {
      onDecision: (ctx, decision) => seen.push({ nowMs: ctx.nowMs, lags: ctx.followers.map((f) => f.lagMs), decision, keys: Object.keys(ctx) }),
    });
    const plain = await routedRun(answer, config, { export: "routeRead" });
    expect(JSON.stringify(watched.history)).toBe(JSON.stringify(plain.history));
    expect(JSON.stringify(plain.history)).toBe(JSON.stringify(simulate({ ...config, reads: { ...config.reads!, routing: router } }).history));
    const reads = plain.history.ops.filter((op) => op.kind === "read").length;
    expect(reads).toBeGreaterThan(50);
    expect(seen).toHaveLength(reads);
    expect(seen.every((s) => !s.keys.includes("random") && s.lags.length === 2)).toBe(true);
    // The rule the router keeps, checked decision by decision from what it saw.
    for (const s of seen) if (s.decision !== "L") expect(Math.min(...s.lags)).toBeLessThanOrEqual(2);
    expect(seen.some((s) => s.decision !== "L")).toBe(true);
  });
});

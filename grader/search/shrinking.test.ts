/**
 * Exercises 03 and 04 show a failing case as a smaller run that still breaks the same rule: the
 * known-wrong variants' cases, shrunk as grading shrinks them, are checked here against the runs
 * as found.
 */
import { describe, expect, test } from "vitest";
import { lostWrites, simulate, type ClusterEvent, type Fault, type RunResult } from "../../lib";
import type { Recorder, Violation } from "../graded";
import { judgeRegistry, laggingMsFor, OPERATIONS, readPolicy, shrinkRegistry, type Invariant, type Operation, type Policy } from "../exercises/03-model-registry.support";
import { crashRun, judgeService, SERVICES, shrinkCrashCase, worstMomentOf, type ServiceName } from "../exercises/04-choose-ack-policy.support";
import { chooseAckPolicy } from "../../solutions/04-choose-ack-policy";
import * as accountsFallback200 from "../variants/04-choose-ack-policy/accounts-semisync-fallback200";
import * as accountsFallback300 from "../variants/04-choose-ack-policy/accounts-semisync-fallback300";
import * as ledgerFallback1189 from "../variants/04-choose-ack-policy/ledger-quorum2-fallback1189";
import * as asyncEverywhere from "../variants/04-choose-ack-policy/async-everywhere";
import * as accountsNamedB from "../variants/04-choose-ack-policy/accounts-named-b-with-fallback";
import * as ledgerNearest from "../variants/04-choose-ack-policy/ledger-nearest-follower";
import * as ledgerFallback650 from "../variants/04-choose-ack-policy/ledger-quorum2-fallback650";
import * as namedWithFallback from "../variants/04-choose-ack-policy/named-follower-with-fallback";
import * as followersForEverything from "../variants/03-model-registry/followers-for-everything";
import * as leaderForEverything from "../variants/03-model-registry/leader-for-everything";
import * as slack from "../variants/03-model-registry/staleness-bound-with-slack";
import * as looseBound from "../variants/03-model-registry/loose-staleness-bound";

/** A recorder that keeps what a case shows: its values and its run. */
function shown(): { record: Recorder; values: Record<string, unknown>; run(): RunResult } {
  const values: Record<string, unknown> = {};
  let run: RunResult | undefined;
  const record = Object.assign((label: string, value: unknown) => void (values[label] = value), { run: (r: RunResult) => void (run = r) });
  return { record, values, run: () => run! };
}

/** A known-wrong variant's case for one service: a label, the variant, the service, and whether the crash comes at its worst moment. */
type CrashCase = [string, { chooseAckPolicy(s: ServiceName): unknown }, ServiceName, boolean];

/** The case on seed 1, judged as found and shrunk as grading shrinks it. */
async function foundAndShrunk(variant: CrashCase[1], name: ServiceName, atWorst: boolean) {
  const service = SERVICES[name];
  const policy = variant.chooseAckPolicy(name);
  const moment = atWorst ? worstMomentOf(service, policy, 1) : undefined;
  const found = shown();
  const violation = judgeService(service, policy, 1, found.record, moment);
  const small = shown();
  const shrunk = await shrinkCrashCase(service, policy, 1, small.record, moment);
  return { service, found, violation, small, shrunk };
}

describe("04: a crash run that lost acknowledged writes is shown with fewer writes, still losing them", () => {
  const cases: CrashCase[] = [
    ["async everywhere, ledger, seed 1", asyncEverywhere, "ledger", false],
    ["async everywhere, accounts, the worst moment", asyncEverywhere, "accounts", true],
    ["semi-sync on A for ledger, the worst moment", ledgerNearest, "ledger", true],
    ["semi-sync on B with a fallback for accounts, seed 1", accountsNamedB, "accounts", false],
  ];
  test.each(cases)("%s", async (_label, variant, name, atWorst) => {
    const { service, found, violation, small, shrunk } = await foundAndShrunk(variant, name, atWorst);
    expect(violation?.rule).toMatch(/no acknowledged write is lost/);
    expect(shrunk?.rule).toBe(violation?.rule);
    const writes = (r: RunResult) => r.history.ops.filter((op) => op.kind === "write").length;
    expect(writes(small.run())).toBeLessThan(writes(found.run()) / 10);
    // What is drawn is the run that was judged, and it loses acknowledged writes.
    expect(lostWrites(small.run().history).length).toBeGreaterThan(service.lostWritesMax);
    expect(shrunk?.got).toBe(lostWrites(small.run().history).length);
    expect(small.values.shrunk).toMatch(/^from \d+ writes to \d+/);
  });

  // Cases whose shrinking, left free, dropped the failure itself: A's crash in ledger (and the
  // new leader was A), a maintenance window in accounts.
  const failures: CrashCase[] = [
    ["two copies with a 650 ms fallback for ledger, the worst moment", ledgerFallback650, "ledger", true],
    ["async everywhere, ledger, the worst moment", asyncEverywhere, "ledger", true],
    ["async everywhere, accounts, seed 1", asyncEverywhere, "accounts", false],
    ["a named follower with a fallback, accounts, the worst moment", namedWithFallback, "accounts", true],
  ];
  test.each(failures)("the shrunk run keeps the service's failure as the text states it: %s", async (_label, variant, name, atWorst) => {
    const { service, violation, small, shrunk } = await foundAndShrunk(variant, name, atWorst);
    expect(violation?.rule).toMatch(/no acknowledged write is lost/);
    expect(shrunk?.rule).toBe(violation?.rule);
    const { history } = small.run();
    expect(lostWrites(history).length).toBeGreaterThan(service.lostWritesMax);
    const faults = small.values.faults as { node: string; kind: string; fromMs: number; toMs?: number }[];
    if (name === "ledger") {
      // The leader's zone fails: A crashes at the moment L does, and never leads.
      const crashes = history.events.filter((e): e is Extract<ClusterEvent, { kind: "crash" }> => e.kind === "crash");
      const leaderAt = crashes.find((e) => e.node === "L")?.atMs;
      expect(leaderAt).toBeDefined();
      expect(crashes.some((e) => e.node === "A" && e.atMs === leaderAt)).toBe(true);
      expect(faults).toContainEqual({ node: "A", kind: "crash", fromMs: leaderAt });
      expect(history.finalLeader).not.toBe("A");
      for (const line of (shrunk?.involved ?? []) as string[]) expect(line).not.toMatch(/leader A\b/);
    } else {
      // Each follower is taken down for maintenance in turn: A from 200 to 500 ms, B from 700 to 1000 ms.
      expect(faults).toContainEqual({ node: "A", kind: "crash", fromMs: 200, toMs: 500 });
      expect(faults).toContainEqual({ node: "B", kind: "crash", fromMs: 700, toMs: 1000 });
    }
  });

  // The shrunk run of a fallback's case, with the reference policy instead: it loses nothing, so
  // what the case shows is the fallback's doing. Accounts' 300 ms case, shrunk with its slowdown's
  // parts dropped one at a time, kept A slow and let B go: a write B confirmed just before its
  // maintenance, which A did not have yet, was lost under any policy.
  const fallbacks: CrashCase[] = [
    ["a 300 ms fallback for accounts, the worst moment", accountsFallback300, "accounts", true],
    ["a 200 ms fallback for accounts, the worst moment", accountsFallback200, "accounts", true],
    ["a 650 ms fallback for ledger, the worst moment", ledgerFallback650, "ledger", true],
    ["a 1,189 ms fallback for ledger, the worst moment", ledgerFallback1189, "ledger", true],
  ];
  test.each(fallbacks)("the shrunk run is one a policy that meets the targets survives: %s", async (_label, variant, name, atWorst) => {
    const { service, small, shrunk } = await foundAndShrunk(variant, name, atWorst);
    expect(shrunk?.rule).toMatch(/no acknowledged write is lost/);
    const { history } = small.run();
    const faults = small.values.faults as Fault[];
    const crashAtMs = history.events.find((e) => e.kind === "crash" && e.node === "L")!.atMs;
    // The slowdown goes whole or stays whole, up to the crash.
    const slowdown = worstMomentOf(service, variant.chooseAckPolicy(name), 1)!.faults!.filter((f) => f.fromMs < crashAtMs);
    const added = faults.filter((f) => f.kind === "slow");
    expect(added.length === 0 || added.length === slowdown.length).toBe(true);
    for (const f of added) expect(f.toMs).toBeLessThanOrEqual(crashAtMs);
    const script = history.ops.flatMap((op) => (op.kind === "write" ? [{ kind: "write" as const, atMs: op.invokeMs, client: op.client, key: op.key, value: op.value }] : []));
    const reference = crashRun(service, chooseAckPolicy(name), 1, crashAtMs);
    const run = simulate({ ...reference, workload: { writes: 0, script }, faults });
    expect(lostWrites(run.history)).toEqual([]);
  });

  test("a latency miss is shown as found (its run is every write of the normal run)", async () => {
    const syncAll = { kind: "sync-all" };
    expect(judgeService(SERVICES.metrics, syncAll, 1, () => {})?.rule).toMatch(/p99 commit latency/);
    expect(await shrinkCrashCase(SERVICES.metrics, syncAll, 1, () => {})).toBeNull();
  });
});

describe("03: a registry run that breaks an invariant is shown smaller, breaking the same one", () => {
  const policiesOf = (variant: { choosePolicy(op: Operation): unknown }) =>
    Object.fromEntries(OPERATIONS.map((op) => [op, readPolicy(op, variant.choosePolicy(op) as never) as Policy])) as Record<Operation, Policy>;
  const cases: [string, { choosePolicy(op: Operation): unknown }, Invariant, boolean][] = [
    ["any follower for read-backs: register", followersForEverything, "register", false],
    ["any follower for everything: audit", followersForEverything, "audit", false],
    ["the leader for everything: budget", leaderForEverything, "budget", false],
    ["a staleness bound with slack, C trailing: serve", slack, "serve", true],
    ["a loose staleness bound: serve", looseBound, "serve", false],
  ];
  test.each(cases)("%s", async (_label, variant, invariant, trailing) => {
    const policies = policiesOf(variant);
    const lagging = trailing ? laggingMsFor(policies["serve-model"]) : undefined;
    // Every serving policy here is a library routing: the runs are simulated here, not in a sandbox.
    const answer = null as never;
    const found = shown();
    const violation: Violation | null = await judgeRegistry(7, policies, [invariant], found.record, answer, lagging);
    expect(violation).not.toBeNull();
    const small = shown();
    const shrunk = await shrinkRegistry({ seed: 7, policies, which: [invariant], answer, runs: [lagging] }, small.record);
    expect(shrunk?.rule).toBe(violation?.rule);
    expect(small.run().history.ops.length).toBeLessThan(found.run().history.ops.length / 2);
    expect(small.values.shrunk).toMatch(/the run ends at \d+ ms/);
  });

  test("a case whose runs all pass is not shrunk", async () => {
    const policies = policiesOf(leaderForEverything);
    expect(await shrinkRegistry({ seed: 7, policies, which: ["register"], answer: null as never, runs: [undefined] }, () => {})).toBeNull();
  });
});

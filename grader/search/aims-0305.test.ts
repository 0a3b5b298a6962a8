/**
 * Exercises 03 and 05: cases aimed at answers that had full marks under most grading secrets.
 *
 * 03: when all three followers trail, they keep up until just before the second promotion, and
 * serving nodes join just after it (`LATE_SERVERS_JOIN_MS`): a serving router that checks its
 * follower's lag on every Nth read only, or once per 100 ms, and trusts it in between, serves a
 * demoted version on every seed of that kind, whatever N and whichever reads it counts from. When
 * B and C trail, A serves alone at 3 ms on the busiest database: a serving bound of 5 ms (or a
 * dashboards bound of 2 ms) breaks the leader budget on every seed of that kind, the reference's
 * 50 ms keeps about 3%, and the search tries such a run among its first candidates.
 *
 * 05: epochs either side of a power of ten, positions either side of 10^15, priorities 1,000 or
 * more above another's and names that begin one another catch, on every cluster of their kind,
 * the newest epoch found by a bare sort(), positions padded to 15 digits, a priority packed below
 * a thousand and names compared up to the shorter one's length; public hand-made cases catch
 * each, and 32-bit epochs and priorities, on every grading.
 */
import { describe, expect, test } from "vitest";
import { anyFollower, boundedStaleness, leaderOnly, readYourWrites, type ReadContext, type ReadDecision } from "../../lib";
import {
  aimedTrailing,
  ALL_INVARIANTS,
  judgeRegistry,
  LATE_SERVERS_JOIN_MS,
  readPolicy,
  registryConfig,
  registrySearch,
  TRAILING_KINDS,
  type Invariant,
  type Operation,
  type Policy,
} from "../exercises/03-model-registry.support";
import { AIMED_CLUSTERS, follower as f, type Follower } from "../exercises/05-leader-election.support";
import { aimedClusterKind, electionChooser, electionFails, registryPoliciesOf, rightAnswers, variant } from "../fixtures/answers";


// ------------------------------------------------------------------------------------------- 03

/** `n` seeds of the trailing kind at `index` of TRAILING_KINDS. */
const seedsOfKind = (index: number, n: number) => Array.from({ length: n }, (_, i) => (i * 2_654_435_761 + 97) % 0x7fffffff).map((s) => s - (s % TRAILING_KINDS.length) + index);
const ALL_TRAIL = TRAILING_KINDS.indexOf(3);
const B_AND_C = TRAILING_KINDS.indexOf(2);

/** The reference's policies with `serving` for the serving reads. */
function withServing(serving: unknown): Record<Operation, Policy> {
  const lib = (op: Operation, routing: unknown) => readPolicy(op, { routing, reason: "as the reference" } as never) as Policy;
  return {
    "register-version": lib("register-version", readYourWrites()),
    promote: lib("promote", readYourWrites()),
    "serve-model": typeof serving === "function" ? ({ routing: serving, reason: "" } as Policy) : lib("serve-model", serving),
    "list-versions": lib("list-versions", anyFollower()),
    "read-audit-log": lib("read-audit-log", leaderOnly()),
  };
}

/** The aimed trailing run of `seed` judged on `which`: the broken rule, or null. */
async function aimedVerdict(policies: Record<Operation, Policy>, seed: number, which: readonly Invariant[]): Promise<string | null> {
  return (await judgeRegistry(seed, policies, which, () => {}, null as never, aimedTrailing(seed, policies["serve-model"])))?.rule ?? null;
}

/**
 * A serving router that checks its follower's lag (within `boundMs`) on a client's first read and
 * on reads whose count is `phase` modulo `every`, and trusts it on the others; `keep`: it keeps
 * the follower when a check sends the read to the leader (else it forgets it, and checks again).
 */
function checkedEvery(every: number, phase: number, keep: boolean, boundMs = 50) {
  return (ctx: ReadContext): ReadDecision => {
    const [name, countText] = (ctx.session.sticky ?? "").split("#");
    const count = Number(countText ?? 0) + 1;
    const current = ctx.followers.find((x) => x.name === name && x.up);
    if (current && count % every !== phase) {
      ctx.session.sticky = `${name}#${count}`;
      return name;
    }
    const ok = ctx.followers.filter((x) => x.up && x.lagMs <= boundMs);
    if (ok.length === 0) {
      ctx.session.sticky = keep ? `${name}#${count}` : `#${count}`;
      return ctx.leader;
    }
    const pick = ok[Math.floor(ctx.random() * ok.length)].name;
    ctx.session.sticky = `${pick}#${count}`;
    return pick;
  };
}

describe("03: all three followers trail from just before the second promotion", () => {
  test("they keep up before it, trail after it, and serving nodes join just after it", () => {
    const [seed] = seedsOfKind(ALL_TRAIL, 1);
    const run = aimedTrailing(seed, withServing(checkedEvery(10, 0, false))["serve-model"]);
    const config = registryConfig(seed, () => "L", run);
    const script = config.workload!.script!;
    const second = script.find((op) => op.label === "promote-2")!;
    expect(config.faults).toHaveLength(3);
    for (const fault of config.faults!) {
      expect(fault).toMatchObject({ kind: "slow", fromMs: second.atMs - 0.5 });
      expect(fault.factor).toBeCloseTo(run.ms);
    }
    const late = script.filter((op) => op.client.startsWith("late-server-"));
    expect(late).toHaveLength(2 * LATE_SERVERS_JOIN_MS.length);
    expect(late.every((op) => op.afterOp === "promote-2" && op.kind === "read" && op.purpose === "serve-model")).toBe(true);
    // One or two trailing followers trail from the start, with no late servers.
    const [other] = seedsOfKind(B_AND_C, 1);
    const two = registryConfig(other, () => "L", aimedTrailing(other, withServing(boundedStaleness(50))["serve-model"]));
    expect(two.faults!.map((x) => x.fromMs)).toEqual([0, 0]);
    expect(two.workload!.script!.some((op) => op.client.startsWith("late-server-"))).toBe(false);
  });

  test.each([
    ["serve-sticky-checked-every-10th-read"],
    ["serve-sticky-checked-every-other-read"],
    ["serve-sticky-checked-every-100ms"],
  ])("variant %s serves a demoted version on every seed of that kind", async (name) => {
    const policies = await registryPoliciesOf(variant("03-model-registry", name));
    for (const seed of seedsOfKind(ALL_TRAIL, 6)) expect(await aimedVerdict(policies, seed, ["serve"]), `seed ${seed}`).toMatch(/no serving node loads a version/);
  });

  test("a router checked on every Nth read fails whichever reads it counts, whether or not it keeps its follower", async () => {
    const [seed] = seedsOfKind(ALL_TRAIL, 1);
    for (const every of [2, 3, 4, 5, 7, 10, 20]) {
      for (let phase = 0; phase < every; phase++) {
        for (const keep of [false, true]) {
          expect(await aimedVerdict(withServing(checkedEvery(every, phase, keep)), seed, ["serve"]), `every ${every}, phase ${phase}, keep ${keep}`).not.toBeNull();
        }
      }
    }
  });

  test("a router checked on every read (the same bound) keeps the invariant there", async () => {
    for (const seed of seedsOfKind(ALL_TRAIL, 3)) expect(await aimedVerdict(withServing(checkedEvery(1, 0, false)), seed, ALL_INVARIANTS)).toBeNull();
  });
});

describe("03: when B and C trail, A serves alone at 3 ms on the busiest database", () => {
  test.each([["serve-tight-staleness-bound"], ["dashboards-tight-staleness-bound"]])("variant %s breaks the leader budget on every seed of that kind", async (name) => {
    const policies = await registryPoliciesOf(variant("03-model-registry", name));
    for (const seed of seedsOfKind(B_AND_C, 8)) expect(await aimedVerdict(policies, seed, ALL_INVARIANTS), `seed ${seed}`).toMatch(/the leader serves at most/);
  });

  test("a serving bound of 8 ms keeps the budget there (it is not a wrong answer)", async () => {
    for (const seed of seedsOfKind(B_AND_C, 3)) expect(await aimedVerdict(withServing(boundedStaleness(8)), seed, ALL_INVARIANTS)).toBeNull();
  });

  test("the search tries such a run among its first candidates", () => {
    const policies = withServing(boundedStaleness(5));
    const first = registrySearch(null as never, policies, 12_345, 5).first ?? [];
    expect(first.map((k) => k.followers ?? 1)).toEqual([1, 1, 3, 2]);
    expect(first[3].laggingMs).toBe(25);
  });

  test.each(rightAnswers("03-model-registry"))("right answer %s keeps every invariant in both kinds", async (file) => {
    const policies = await registryPoliciesOf(file);
    for (const kind of [ALL_TRAIL, B_AND_C]) for (const seed of seedsOfKind(kind, 4)) expect(await aimedVerdict(policies, seed, ALL_INVARIANTS), `kind ${kind}, seed ${seed}`).toBeNull();
  });
});

// ------------------------------------------------------------------------------------------- 05

describe("05: epochs past 9, positions past 10^15, priorities past 1,000, names that begin one another", () => {
  const seedsOf = (index: number) => Array.from({ length: 60 }, (_, i) => (i * 7_919 + 29) * AIMED_CLUSTERS.length + index);
  /** Each variant, the aimed kind that catches it on every cluster, and the public hand-made case that catches it. */
  const AIMS: Record<string, [string, Follower[]]> = {
    "newest-epoch-by-bare-sort": ["a newer epoch against a longer log", [f("A", { epoch: 9, receivedLsn: 120 }), f("B", { epoch: 10, receivedLsn: 105 })]],
    "positions-padded-to-15-digits": [
      "positions on either side of a power of ten past 10^8",
      [f("A", { receivedLsn: 999_999_999_999_999 }), f("B", { receivedLsn: 1_000_000_000_000_000 })],
    ],
    "packs-priority-below-a-thousand": [
      "a priority above 9 against a log one entry longer",
      [f("A", { receivedLsn: 99, priority: Number.MAX_SAFE_INTEGER }), f("B", { receivedLsn: 100, priority: 1 })],
    ],
    "names-compared-up-to-the-shorter": ["tie decided by plain comparison of digits", [f("node10"), f("node1")]],
  };

  test.each(Object.entries(AIMS))("variant %s fails every cluster of its kind, and its public case", async (name, [aim, publicCase]) => {
    const choose = await electionChooser(variant("05-leader-election", name));
    const { index, build } = aimedClusterKind(aim);
    expect(seedsOf(index).filter((seed) => !electionFails(choose, build(seed)))).toEqual([]);
    expect(electionFails(choose, publicCase)).toBe(true);
  });

  test("epochs and priorities kept in 32 bits fail the public cases past 2^31", () => {
    /** The reference's ranking with epochs and priorities kept in 32 bits (`| 0`). */
    const above = (a: Follower, b: Follower): boolean => {
      if ((a.epoch | 0) !== (b.epoch | 0)) return (a.epoch | 0) > (b.epoch | 0);
      if (a.receivedLsn !== b.receivedLsn) return a.receivedLsn > b.receivedLsn;
      if ((a.priority | 0) !== (b.priority | 0)) return (a.priority | 0) > (b.priority | 0);
      return a.name < b.name;
    };
    const int32 = (fs: Follower[]) => {
      let best: Follower | null = null;
      for (const x of fs) if (x.alive && x.priority !== 0 && (best === null || above(x, best))) best = x;
      return best === null ? null : best.name;
    };
    expect(electionFails(int32, [f("A", { epoch: 2 ** 31 - 1, receivedLsn: 120 }), f("B", { epoch: 2 ** 31, receivedLsn: 105 })])).toBe(true);
    expect(electionFails(int32, [f("A", { priority: 2 ** 31 - 1 }), f("B", { priority: 2 ** 31 })])).toBe(true);
  });

  test.each(rightAnswers("05-leader-election"))("right answer %s passes every cluster of these kinds and the public cases", async (file) => {
    const choose = await electionChooser(file);
    for (const [aim, publicCase] of Object.values(AIMS)) {
      const { index, build } = aimedClusterKind(aim);
      expect(seedsOf(index).filter((seed) => electionFails(choose, build(seed))), aim).toEqual([]);
      expect(electionFails(choose, publicCase)).toBe(false);
    }
  });

  test("these kinds stay within the numbers the text allows", () => {
    for (const [aim] of Object.values(AIMS)) {
      const { index, build } = aimedClusterKind(aim);
      for (const seed of seedsOf(index)) {
        for (const g of build(seed)) {
          for (const x of [g.epoch, g.receivedLsn, g.appliedLsn, g.priority]) expect(Number.isSafeInteger(x) && x >= 0).toBe(true);
          expect(g.appliedLsn).toBeLessThanOrEqual(g.receivedLsn);
        }
      }
    }
  });
});

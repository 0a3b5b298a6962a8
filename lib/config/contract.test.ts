import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { constant, leaderOnly, ConfigError, exponential, pbsFreshness, quorum, readYourWrites, simulate, summarize, sweep, type SimConfig } from "../index";

/** The ConfigError `f` throws (failing the test if it throws anything else, or nothing). */
function configError(f: () => unknown): ConfigError {
  try {
    f();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw new Error(`expected a ConfigError, got ${(e as Error)?.name}: ${(e as Error)?.message}`);
  }
  throw new Error("expected a ConfigError, but it ran");
}

const small: SimConfig = { seed: 1, followers: 3, workload: { writesPerSec: 1000, writes: 200 } };

describe("unknown keys", () => {
  test.each([
    [{ ...small, folowers: 2 }, "folowers", "did you mean followers?"],
    [{ ...small, workload: { writesPerSecond: 500 } }, "workload.writesPerSecond", "did you mean writesPerSec?"],
    [{ ...small, failover: { detector: { timeout: 20 } } }, "failover.detector.timeout", "did you mean timeoutMs?"],
    [{ ...small, network: { oneWayMs: { kind: "exponential", mean: 1 } } }, "network.oneWayMs.mean", "did you mean meanMs?"],
    [{ ...small, ack: { kind: "quorum", k: 2, onn: "apply" } }, "ack.onn", "did you mean on?"],
    [{ ...small, followers: [{ name: "A", applyMS: constant(1) }] }, "followers[0].applyMS", "did you mean applyMs?"],
    [{ ...small, limits: { maxEvent: 10 } }, "limits.maxEvent", "did you mean maxEvents?"],
  ] as [unknown, string, string][])("%o is refused, naming %s", (config, field, hint) => {
    const e = configError(() => simulate(config as SimConfig));
    expect(e.field).toBe(field);
    expect(e.message).toContain(hint);
  });

  test("a key with nothing close gets the list of options instead of a guess", () => {
    const e = configError(() => simulate({ ...small, reads: { zebra: 1 } } as unknown as SimConfig));
    expect(e.message).not.toContain("did you mean");
    expect(e.message).toContain("the options are readsPerSec, routing, ownKeyShare");
  });
});

describe("policies and routings written by hand are checked as their helpers check them", () => {
  test.each([
    [{ kind: "quorum", k: Number.NaN }, "ack.k"],
    [{ kind: "quorum" }, "ack.k"],
    [{ kind: "quorum", k: 1, on: "durable" }, "ack.on"],
    [{ kind: "semi-sync", follower: 3 }, "ack.follower"],
    [{ kind: "first", k: 2, standbys: ["A"] }, "ack.k"],
    [{ kind: "majority" }, "ack"],
    [null, "ack"],
  ])("ack: %o", (ack, field) => {
    expect(configError(() => simulate({ ...small, ack } as unknown as SimConfig)).field).toBe(field);
  });

  test("a policy written by hand runs exactly as its helper's", () => {
    const byHand = simulate({ ...small, ack: { kind: "quorum", k: 2 } as unknown as SimConfig["ack"] });
    const byHelper = simulate({ ...small, ack: quorum(2) });
    expect(Array.from(byHand.writes.ackMs)).toEqual(Array.from(byHelper.writes.ackMs));
    expect(byHand.config.ack).toEqual(quorum(2));
  });

  test.each([
    [{ kind: "bounded-staleness", maxLagMs: -1 }, "reads.routing.maxLagMs"],
    [{ kind: "read-your-writes", ifBehind: "later" }, "reads.routing.ifBehind"],
    [{ kind: "any-follower", sticky: true }, "reads.routing.sticky"],
    ["any", "reads.routing"],
  ])("reads.routing: %o", (routing, field) => {
    expect(configError(() => simulate({ ...small, reads: { readsPerSec: 10, routing } } as unknown as SimConfig)).field).toBe(field);
  });
});

describe("what used to end in a TypeError", () => {
  test("faults: {} names faults", () => {
    expect(configError(() => simulate({ ...small, faults: {} } as unknown as SimConfig)).field).toBe("faults");
  });

  test.each([null, undefined, {}, { writes: {} }, "run"])("summarize(%o) names the run", (run) => {
    expect(configError(() => summarize(run as never)).field).toBe("run");
  });

  test("a bad distribution in pbsFreshness names it", () => {
    const o = { n: 3, w: 1, r: 1, W: exponential({ meanMs: 1 }), A: { kind: "exponential" }, R: constant(0), S: constant(0), tMs: [0], trials: 10, seed: 1 };
    expect(configError(() => pbsFreshness(o as never)).field).toBe("pbs.A.meanMs");
    expect(configError(() => pbsFreshness(null as never)).field).toBe("pbs");
  });
});

describe("budgets", () => {
  // "Before the run": a run of that size would outlast the test's time limit by hours.
  test("a rate of 1e9 reads a second is refused before the run, naming the memory budget", () => {
    const e = configError(() => simulate({ ...small, reads: { readsPerSec: 1e9 } }));
    expect(e.field).toBe("limits.memoryMb");
    // The remedy: a larger budget, or a larger heap where half the heap is less than the budget.
    expect(e.message).toMatch(/reads\.readsPerSec 1000000000.*(limits: \{ memoryMb: \d+ \}|NODE_OPTIONS=--max-old-space-size=\d+)/);
  });

  test("writes at 1e9 a second for a long duration are refused the same way", () => {
    expect(configError(() => simulate({ seed: 1, workload: { writesPerSec: 1e9, durationMs: 60_000 } })).field).toBe("limits.memoryMb");
  });

  test("a run past maxEvents or maxVirtualMs stops, saying how to raise the limit", () => {
    const events = configError(() => simulate({ ...small, engine: "events", limits: { maxEvents: 500 } }));
    expect(events.field).toBe("limits.maxEvents");
    expect(events.message).toContain("limits: { maxEvents: 5,000 }");
    expect(configError(() => simulate({ ...small, limits: { maxEvents: 500 } })).field).toBe("limits.maxEvents");
    expect(configError(() => simulate({ ...small, limits: { maxVirtualMs: 50 } })).field).toBe("limits.maxVirtualMs");
    expect(configError(() => simulate({ ...small, engine: "events", limits: { maxVirtualMs: 50 } })).field).toBe("limits.maxVirtualMs");
    // Within the budget, the run is the one without limits.
    const limited = simulate({ ...small, limits: { maxEvents: 10_000, maxVirtualMs: 1e6 } });
    expect(Array.from(limited.writes.ackMs)).toEqual(Array.from(simulate(small).writes.ackMs));
  });

  // A list of 1e9 seeds would run out of memory or outlast the test's time limit.
  test("sweep({ seeds: 1e9 }) is refused before any seed list is made", () => {
    const e = configError(() => sweep({ base: small, vary: {}, seeds: 1e9, measure: summarize }));
    expect(e.field).toBe("sweep.seeds");
    expect(e.message).toContain("maxRuns");
    expect(configError(() => sweep({ base: small, vary: { followers: [1, 2, 3] }, seeds: 5000, measure: summarize })).field).toBe("sweep.maxRuns");
  });

  test("a detector that suspects the leader every microsecond stops at a budget, not in an endless run", () => {
    const storm = { ...small, workload: { writesPerSec: 100, writes: 100 }, failover: { detector: { heartbeatMs: 0.01, timeoutMs: 0.001 } } };
    expect(configError(() => simulate({ ...storm, limits: { maxEvents: 1_000_000 } })).field).toBe("limits.maxEvents");
    // Each suspicion is recorded: with the default budgets, the history's growth is what stops it.
    expect(configError(() => simulate({ ...storm, limits: { memoryMb: 50 } })).field).toBe("limits.memoryMb");
  });

  // A run the heap cannot hold used to end the process ("FATAL ERROR: ... JavaScript heap out of
  // memory"), a notebook's kernel with it: each of these two did, in a Node with a 256 MB heap.
  test("a run larger than the process's heap can hold gets a ConfigError, not a crash of the process", () => {
    const script = `
      const { simulate } = await import(${JSON.stringify(new URL("../index.ts", import.meta.url).href)});
      const tryRun = (config) => { try { simulate(config); return "ran"; } catch (e) { return { field: e.field, message: e.message }; } };
      const known = tryRun({ seed: 1, followers: 3, workload: { writesPerSec: 1000, writes: 100000 }, reads: { readsPerSec: 10000 } });
      const storm = tryRun({ seed: 1, followers: 3, workload: { writesPerSec: 100, writes: 100 }, failover: { detector: { heartbeatMs: 0.01, timeoutMs: 0.001 } } });
      console.log(JSON.stringify({ known, storm }));`;
    const r = spawnSync(process.execPath, ["--max-old-space-size=256", "--import", "tsx", "--input-type=module", "-e", script], {
      cwd: fileURLToPath(new URL("../..", import.meta.url)),
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(r.stderr).not.toMatch(/heap out of memory/);
    expect(r.status, r.stderr).toBe(0);
    const { known, storm } = JSON.parse(r.stdout);
    // Known before the run: about 564 MB of writes and reads, within the default budget (2048 MB).
    expect(known.field).toBe("limits.memoryMb");
    expect(known.message).toMatch(/the workload asks for about 100,000 writes and 1,000,000 reads .* its JavaScript heap is limited to \d+ MB/);
    expect(known.message).toContain("NODE_OPTIONS=--max-old-space-size=");
    // Known only as it grows: each suspicion is recorded until the heap's share is reached.
    expect(storm.field).toBe("limits.memoryMb");
    expect(storm.message).toMatch(/the run reached .* more than this process can hold/);
  });
});

describe("edges: a meaning, or a refusal", () => {
  test("a follower named like the leader is refused, saying why", () => {
    const e = configError(() => simulate({ ...small, followers: [{ name: "L" }] }));
    expect(e.field).toBe("followers[0].name");
    expect(e.message).toContain("initial leader's name");
  });

  test("overlapping crash and pause windows on one node are refused; slow windows may overlap", () => {
    const down = configError(() =>
      simulate({
        ...small,
        faults: [
          { node: "A", kind: "crash", fromMs: 10, toMs: 50 },
          { node: "A", kind: "pause", fromMs: 40, toMs: 60 },
        ],
      }),
    );
    expect(down.field).toBe("faults[1]");
    expect(down.message).toContain("overlaps faults[0]");
    const run = simulate({
      ...small,
      faults: [
        { node: "A", kind: "slow", fromMs: 10, toMs: 50, factor: 2 },
        { node: "A", kind: "crash", fromMs: 40, toMs: 60 },
        { node: "A", kind: "slow", fromMs: 20, toMs: 30, factor: 3 },
      ],
    });
    expect(run.writes.count).toBe(200);
    expect(configError(() => simulate({ ...small, faults: [{ node: "A", kind: "crash", fromMs: 1, factor: 3 }] })).field).toBe("faults[0].factor");
  });

  test.each([
    [{ node: "A", minLsn: Number.NaN }, /minLsn must be a log position/],
    [{ node: "A", minLsn: 2.5 }, /minLsn must be a log position/],
    [{ node: "A", minLsn: 1, ifBehind: "later" }, /ifBehind must be "leader" or "wait"/],
    [{ node: "A", minLSN: 3 }, /did you mean minLsn\?/],
    [{ node: "Z" }, /its node must be one of L, A, B, C/],
    ["Z", /it must return a node name/],
  ])("a router returning %o is refused, naming the read", (decision, message) => {
    const e = configError(() => simulate({ ...small, reads: { readsPerSec: 100, routing: () => decision as never } }));
    expect(e.field).toBe("reads.routing");
    expect(e.message).toMatch(message);
    expect(e.message).toMatch(/for client c\d+, key k\d+, at [\d.]+ ms/);
  });

  test("infinite delays are refused (a link that never delivers is a crash fault)", () => {
    expect(configError(() => simulate({ ...small, network: { oneWayMs: Infinity as never } })).field).toBe("network.oneWayMs");
    expect(configError(() => simulate({ ...small, network: { oneWayMs: { kind: "constant", valueMs: Infinity } } })).field).toBe("network.oneWayMs.valueMs");
    expect(configError(() => simulate({ ...small, faults: [{ node: "A", kind: "crash", fromMs: Infinity }] })).field).toBe("faults[0].fromMs");
  });

  test("a detector or client timeout of 0 is refused", () => {
    expect(configError(() => simulate({ ...small, failover: { detector: { timeoutMs: 0 } } })).field).toBe("failover.detector.timeoutMs");
    expect(configError(() => simulate({ ...small, failover: { clientTimeoutMs: 0 } })).field).toBe("failover.clientTimeoutMs");
  });

  test("a read held for a position its node never reaches stays unanswered, and the run ends", () => {
    // Every read waits on follower A for a position beyond anything the leader will ever write.
    const run = simulate({ ...small, reads: { readsPerSec: 200, routing: () => ({ node: "A", minLsn: 1_000_000, ifBehind: "wait" }) } });
    const reads = run.history.ops.filter((op) => op.kind === "read");
    expect(reads.length).toBeGreaterThan(10);
    expect(reads.every((op) => op.completeMs === Infinity)).toBe(true);
    expect(Number.isFinite(run.endMs)).toBe(true);
  });

  test("a read held for a position its node does reach is served, however long it waits", () => {
    // A's apply is slow: held reads wait several client timeouts, then are answered.
    const run = simulate({
      ...small,
      followers: [{ applyMs: constant(2) }, {}, {}],
      reads: { readsPerSec: 200, routing: readYourWrites({ ifBehind: "wait" }) },
    });
    expect(run.history.ops.filter((op) => op.kind === "read").every((op) => Number.isFinite(op.completeMs))).toBe(true);
  });

  test("reads retried against a leader that never comes back stay unanswered, and the run ends", () => {
    const run = simulate({ ...small, faults: [{ node: "L", kind: "crash", fromMs: 50 }], reads: { readsPerSec: 200, routing: leaderOnly() }, workload: { writesPerSec: 1000, writes: 300 } });
    const reads = run.history.ops.filter((op) => op.kind === "read");
    const unanswered = reads.filter((op) => !Number.isFinite(op.completeMs));
    // Reads before the crash were answered; every one after it is retried in vain.
    expect(reads.length - unanswered.length).toBeGreaterThan(3);
    expect(unanswered.length).toBeGreaterThan(10);
    expect(unanswered.every((op) => op.invokeMs >= 40)).toBe(true);
    expect(Number.isFinite(run.endMs)).toBe(true);
  });
});

// ------------------------------------------------------------------ the property

/** Sets `value` at a dotted path (with [i] indices) of a copy of `config`. */
function setAt(config: SimConfig, path: string, value: unknown): SimConfig {
  const copy = structuredClone(config) as unknown as Record<string, unknown>;
  const parts = path.replace(/\[(\d+)\]/g, ".$1").split(".");
  let at: Record<string, unknown> = copy;
  for (const p of parts.slice(0, -1)) {
    if (at[p] === undefined || at[p] === null || typeof at[p] !== "object") at[p] = {};
    at = at[p] as Record<string, unknown>;
  }
  at[parts[parts.length - 1]] = value;
  return copy as unknown as SimConfig;
}

/** A field and a path name the same place, or one holds the other. */
function related(field: string, path: string): boolean {
  const holds = (outer: string, inner: string) => outer === "" || inner === outer || inner.startsWith(`${outer}.`) || inner.startsWith(`${outer}[`);
  return holds(field, path) || holds(path, field);
}

const NUMBER_PATHS = [
  "seed",
  "workload.writesPerSec",
  "workload.writes",
  "workload.keys",
  "workload.clients",
  "workload.durationMs",
  "reads.readsPerSec",
  "reads.ownKeyShare",
  "faults[0].fromMs",
  "faults[0].toMs",
  "failover.detector.heartbeatMs",
  "failover.detector.timeoutMs",
  "failover.clientTimeoutMs",
  "failover.oldLeaderReturnsAtMs",
  "failover.crashLeader.atMs",
  "limits.maxEvents",
  "limits.memoryMb",
  "network.oneWayMs.meanMs",
  "applyMs.valueMs",
  "workload.closedLoop.writesPerClient",
  "workload.bursts[0].writesPerSec",
];
const OBJECT_PATHS = ["", "network", "workload", "reads", "failover", "failover.detector", "limits", "faults[0]", "network.oneWayMs", "applyMs", "workload.closedLoop", "workload.bursts[0]", "ack"];
const DIST_PATHS = ["network.oneWayMs", "network.toLeaderMs", "applyMs", "leaderCommitMs", "failover.electionMs", "workload.closedLoop.thinkMs"];

/** A value of the wrong type for any number. */
const notANumber = fc.oneof(fc.string(), fc.boolean(), fc.constant(null), fc.constant(Number.NaN), fc.array(fc.nat(), { minLength: 1 }), fc.dictionary(fc.string({ minLength: 1 }), fc.nat(), { minKeys: 1 }));
/** A value of the wrong type for an options object. */
const notAnObject = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.nat()));
/** A bad distribution. */
const badDist = fc.constantFrom<unknown>(
  1,
  "exp",
  { kind: "exponential" },
  { kind: "exponential", meanMs: -1 },
  { kind: "constant", valueMs: Infinity },
  { kind: "uniform", minMs: 2, maxMs: 1 },
  { kind: "normal", meanMs: 1 },
  { kind: "mixture", parts: [] },
  { kind: "shifted", offsetMs: 1, dist: null },
  { kind: "pareto", scaleMs: 1, shape: 0.001 },
);

/** Configurations with one thing wrong, and where: [config, the path of the mistake]. */
const malformed = fc
  .record({
    seed: fc.integer({ min: 1, max: 1e6 }),
    followers: fc.integer({ min: 1, max: 4 }),
    reads: fc.boolean(),
    crash: fc.boolean(),
    failover: fc.boolean(),
    closedLoop: fc.boolean(),
  })
  .chain((b) => {
    // Every object a mistake can be put in is there, so that each mistake is the only one.
    const base: SimConfig = {
      seed: b.seed,
      followers: b.followers,
      ack: quorum(1),
      network: { oneWayMs: exponential({ meanMs: 1 }), toLeaderMs: exponential({ meanMs: 1 }) },
      applyMs: constant(0),
      leaderCommitMs: constant(0),
      workload: { writesPerSec: 1000, writes: 100, bursts: [{ fromMs: 10, toMs: 20, writesPerSec: 2000 }], closedLoop: { clients: 2, writesPerClient: b.closedLoop ? 5 : 0, thinkMs: constant(1) } },
      reads: { readsPerSec: b.reads ? 300 : 0 },
      faults: [{ node: "A", kind: b.crash ? "crash" : "slow", fromMs: 20, toMs: 60 }],
      failover: { ...(b.failover ? { crashLeader: { atMs: 30 } } : {}), detector: { heartbeatMs: 5, timeoutMs: 20 }, electionMs: constant(0) },
      limits: { maxEvents: 5_000_000 },
    };
    const mistake: fc.Arbitrary<[string, unknown]> = fc.oneof(
      fc.tuple(fc.constantFrom(...NUMBER_PATHS), notANumber),
      fc.tuple(fc.constantFrom(...OBJECT_PATHS.filter((p) => p !== "" && p !== "ack")), notAnObject),
      fc.tuple(fc.constantFrom(...DIST_PATHS), badDist),
      // An unknown key: a real key with a typo, or a made-up one.
      fc.tuple(fc.constantFrom(...OBJECT_PATHS), fc.constantFrom("folowers", "writesPerSecond", "timeout", "mean", "extra", "Ack", "readsPerSecond")).map(([p, k]): [string, unknown] => [p === "" ? k : `${p}.${k}`, 1]),
      fc.constantFrom<[string, unknown]>(
        ["followers", -1],
        ["followers", 1001],
        ["followers", [{ name: "L" }]],
        ["ack", { kind: "quorum", k: 9 }],
        ["ack", { kind: "first", k: 1, standbys: ["Z"] }],
        ["workload.arrival", "random"],
        ["workload.script", [{ kind: "write" }]],
        ["workload.script", [{ kind: "read", atMs: 0, client: "a", keys: [] }]],
        ["reads.routing", { kind: "bounded-staleness", maxLagMs: Number.NaN }],
        ["faults", {}],
        ["faults", [{ node: "Z", kind: "crash", fromMs: 0 }]],
        ["faults", [{ node: "A", kind: "explode", fromMs: 0 }]],
        ["failover.election", "fastest"],
        ["failover.fencing", "yes"],
        ["recordHistory", "no"],
        ["engine", "fast"],
      ),
    );
    return mistake.map(([path, value]): [SimConfig, string] => [setAt(base, path, value), path]);
  });

describe("the input contract (property)", () => {
  test("a configuration with one thing wrong always gets a ConfigError naming that field: never another error, a hang or a run", () => {
    fc.assert(
      fc.property(malformed, ([config, path]) => {
        // The base's small budget: a mistake the checks missed shows as a run (or another error), never a long one.
        const e = configError(() => simulate(config));
        expect(related(e.field, path), `field ${e.field} for a mistake at ${path}: ${e.message}`).toBe(true);
      }),
      { numRuns: 400 },
    );
  });
});

import { describe, expect, it } from "vitest";
import { toSvg } from "./charts";
import { ConfigError } from "./errors";
import {
  ackPolicyFor,
  compareCommitLatency,
  compareLostWrites,
  compareStaleReads,
  latencyCase,
  latencyComparisonChart,
  summarizeLatencies,
  type LatencyCase,
  type PgLabResults,
  type SyncCommitLevel,
} from "./pg-compare";

/** A flat sample around `ms`, summarised: enough for the simulator to resample. */
const around = (ms: number) => summarizeLatencies(Array.from({ length: 101 }, (_, i) => ms * (0.9 + (0.2 * i) / 100)));

function latency(level: SyncCommitLevel, p50Ms: number, proxyDelayMs = 0, standbyNames = "FIRST 1 (s1, s2)", short = "FIRST 1"): LatencyCase {
  const label = [short, level, ...(proxyDelayMs ? [`s1 +${proxyDelayMs} ms`] : [])].join(" · ");
  return { label, standbyNames, level, proxyDelayMs, applyDelayMs: 0, latency: around(p50Ms) };
}

/** Results shaped like a real run: 0.1 ms off, 0.5 ms local, a 5 ms proxy. */
function fixture(): PgLabResults {
  return {
    version: 1,
    quick: true,
    startedAt: "2026-01-01T00:00:00.000Z",
    durationMs: 50_000,
    machine: { cpus: 2, platform: "linux", postgres: "15" },
    commitsPerCase: 101,
    proxy: { requestedMs: 5, toStandby: around(5.2), toPrimary: around(5.2) },
    roundTrip: around(0.06),
    latency: [
      latency("off", 0.1),
      latency("local", 0.5),
      latency("on", 0.7),
      latency("on", 11.5, 5),
      latency("on", 0.6, 5, "ANY 1 (s1, s2)", "ANY 1"),
      latency("remote_apply", 11.8, 5),
    ],
    staleReads: (["local", "on", "remote_apply"] as const).map((level) => ({
      label: `FIRST 1 · ${level}`,
      standbyNames: "FIRST 1 (s1, s2)",
      level,
      proxyDelayMs: 0,
      readFrom: "s1" as const,
      trials: 100,
      staleReads: level === "remote_apply" ? 0 : 40,
    })),
    lostWrites: (["", "FIRST 1 (s1)"] as const).map((standbyNames) => ({
      label: standbyNames || "async",
      standbyNames,
      level: "on" as const,
      scenario: "partition-then-crash" as const,
      proxyDelayMs: 0,
      warmupMs: 300,
      windowMs: 400,
      writers: 4,
      ackedWrites: 1400,
      lostAckedWrites: standbyNames ? 0 : 800,
      unackedWrites: 4,
      unackedPresent: 0,
    })),
  };
}

describe("ackPolicyFor", () => {
  it("maps synchronous_standby_names and synchronous_commit to the simulator's policies", () => {
    expect(ackPolicyFor("FIRST 1 (s1, s2)", "on")).toEqual({ kind: "first", k: 1, standbys: ["s1", "s2"], on: "receive" });
    expect(ackPolicyFor("ANY 1 (s1, s2)", "remote_apply")).toEqual({ kind: "quorum", k: 1, on: "apply" });
    expect(ackPolicyFor("FIRST 2 (s1, s2)", "remote_write")).toEqual({ kind: "first", k: 2, standbys: ["s1", "s2"], on: "receive" });
    expect(ackPolicyFor("s2, s1", "on")).toEqual({ kind: "first", k: 1, standbys: ["s2", "s1"], on: "receive" });
    expect(ackPolicyFor("FIRST 2 (s1, s2, s3)", "on")).toEqual({ kind: "first", k: 2, standbys: ["s1", "s2", "s3"], on: "receive" });
  });

  it("treats off, local and an empty standby list as asynchronous", () => {
    expect(ackPolicyFor("FIRST 1 (s1, s2)", "local").kind).toBe("async");
    expect(ackPolicyFor("FIRST 1 (s1, s2)", "off").kind).toBe("async");
    expect(ackPolicyFor("", "remote_apply").kind).toBe("async");
  });

  it("rejects a count the list cannot meet, naming the setting", () => {
    expect(() => ackPolicyFor("FIRST 3 (s1, s2)", "on")).toThrow(ConfigError);
    expect(() => ackPolicyFor("FIRST 3 (s1, s2)", "on")).toThrow(/standbyNames.*FIRST 3 needs between 1 and 2 standbys/);
    expect(() => ackPolicyFor("ANY 0 (s1, s2)", "on")).toThrow(/standbyNames.*ANY 0/);
  });
});

describe("summarizeLatencies", () => {
  it("keeps 101 percentiles from the smallest to the largest sample", () => {
    const s = summarizeLatencies([3, 1, 2, 5, 4]);
    expect(s.count).toBe(5);
    expect(s.p50Ms).toBe(3);
    expect(s.percentilesMs).toHaveLength(101);
    expect(s.percentilesMs[0]).toBe(1);
    expect(s.percentilesMs[100]).toBe(5);
  });
});

describe("compareCommitLatency", () => {
  const rows = compareCommitLatency(fixture(), { writes: 500 });
  const row = (label: string) => rows.find((r) => r.label === label)!;

  it("gives the simulator the measured local commit, so local agrees by construction", () => {
    const local = row("FIRST 1 · local");
    expect(local.simulated.p50Ms).toBeCloseTo(local.measured.p50Ms, 1);
  });

  it("predicts a delayed synchronous standby costs the proxy's round trip", () => {
    const delayed = row("FIRST 1 · on · s1 +5 ms");
    expect(delayed.simulated.p50Ms).toBeGreaterThan(10);
    expect(delayed.simulated.p50Ms).toBeLessThan(12);
  });

  it("predicts that with ANY 1 the undelayed standby hides the delayed one", () => {
    expect(row("ANY 1 · on · s1 +5 ms").simulated.p50Ms).toBeLessThan(1);
  });

  it("explains every row", () => {
    for (const r of rows) expect(r.why.length, r.label).toBeGreaterThan(20);
  });

  it("is deterministic for a seed", () => {
    expect(compareCommitLatency(fixture(), { writes: 500 })).toEqual(rows);
  });
});

describe("compareStaleReads", () => {
  it("finds no stale read after a remote_apply commit in the simulator either", () => {
    const rows = compareStaleReads(fixture(), { writes: 300 });
    expect(rows.find((r) => r.level === "remote_apply")!.simulatedStaleShare).toBe(0);
    expect(rows.find((r) => r.level === "on")!.measuredStaleShare).toBeCloseTo(0.4);
  });
});

describe("compareLostWrites", () => {
  const [asyncRow, syncRow] = compareLostWrites(fixture());

  it("loses about rate × time cut off with an async standby", () => {
    // 1400 writes in 700 ms, 400 ms of them with s1 cut off: about 800.
    expect(asyncRow.simulatedLost).toBeGreaterThan(700);
    expect(asyncRow.simulatedLost).toBeLessThan(900);
  });

  it("loses nothing with a synchronous standby", () => {
    expect(syncRow.simulatedLost).toBe(0);
    expect(syncRow.simulatedAcked).toBeGreaterThan(0);
  });
});

describe("latencyComparisonChart", () => {
  it("renders one dot per setting and source", async () => {
    const rows = compareCommitLatency(fixture(), { writes: 200 });
    const spec = latencyComparisonChart(rows);
    expect((spec.data as { values: unknown[] }).values).toHaveLength(2 * rows.length);
    const svg = await toSvg(spec);
    expect(svg).toContain("<svg");
    expect(svg).toContain("simulator");
  });
});

describe("latencyCase", () => {
  it("names the cases there are when a label is missing", () => {
    expect(() => latencyCase(fixture(), "nope")).toThrow(/FIRST 1 · off/);
  });
});

import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors";
import { anyFollower, leaderOnly, readYourWrites } from "../reads";
import { profileEdit } from "../scenarios";
import { anomalyChart, anomalyCurves, type AnomalyRow } from "./anomaly";
import { toSvg } from "./render";

const curves = (lagMs: number[]) =>
  anomalyCurves({
    make: (k) => profileEdit({ users: 10, reloadAfterMs: k.afterMs, lagMs: k.lagMs, seed: k.seed, routing: k.routing }),
    routings: { "any follower": anyFollower(), "read-your-writes": readYourWrites(), leader: leaderOnly() },
    afterMs: [0, 50],
    lagMs,
    seeds: 2,
  });

describe("anomalyCurves", () => {
  const rows = curves([5]);
  const at = (routing: string, afterMs: number) => rows.find((r) => r.routing === routing && r.afterMs === afterMs)!;

  it("counts every story read once per point, over all seeds", () => {
    expect(rows).toHaveLength(3 * 2);
    for (const r of rows) expect(r.reads).toBe(2 * 10);
  });

  it("finds reloads that miss the user's edit on followers right after the ack, and none long after", () => {
    expect(at("any follower", 0).brokenPct).toBeGreaterThan(50);
    expect(at("any follower", 50).brokenReads).toBeLessThan(at("any follower", 0).brokenReads);
    expect(at("any follower", 0).leaderPct).toBe(0);
  });

  it("shows each fix's price: read-your-writes breaks nothing and sends the leader the reads followers could not serve", () => {
    expect(at("read-your-writes", 0).brokenReads).toBe(0);
    expect(at("read-your-writes", 0).leaderPct).toBeGreaterThan(50);
    expect(at("leader", 0)).toMatchObject({ brokenReads: 0, leaderPct: 100 });
  });

  it("names bad grids", () => {
    expect(() => anomalyCurves({ make: () => profileEdit(), routings: {}, afterMs: [0] })).toThrow(ConfigError);
    expect(() => anomalyCurves({ make: () => profileEdit(), routings: { a: anyFollower() }, afterMs: [-1] })).toThrow(/afterMs: \[-1\]/);
    expect(() => anomalyCurves({ make: () => profileEdit(), routings: { a: anyFollower() }, afterMs: [0], seeds: 0 })).toThrow(/seeds/);
  });
});

describe("anomalyChart", () => {
  const rows: AnomalyRow[] = [2, 4, 6].flatMap((lagMs) =>
    ["any follower", "read-your-writes"].flatMap((routing) =>
      [0, 10].map((afterMs) => ({ routing, lagMs, afterMs, reads: 10, brokenReads: 0, brokenPct: routing === "any follower" ? 90 / lagMs : 0, leaderPct: 0 })),
    ),
  );

  it("binds a slider over evenly spaced delays, starting at the middle one", () => {
    const spec = anomalyChart(rows) as { params: { name: string; value: number; bind: { input: string; step: number } }[] };
    expect(spec.params[0]).toMatchObject({ name: "lag", value: 4, bind: { input: "range", step: 2 } });
  });

  it("offers a drop-down when the delays are uneven, and no control for a single one", () => {
    const uneven = [...rows, ...rows.filter((r) => r.lagMs === 6).map((r) => ({ ...r, lagMs: 20 }))];
    expect((anomalyChart(uneven) as { params: { bind: { input: string } }[] }).params[0].bind.input).toBe("select");
    const one = rows.filter((r) => r.lagMs === 2);
    expect((anomalyChart(one) as { params: { bind?: unknown }[] }).params[0].bind).toBeUndefined();
  });

  it("draws only the chosen delay in its static image", async () => {
    const svg4 = await toSvg(anomalyChart(rows, { lagMs: 4, brokenTitle: "reloads that miss the user's own edit (%)" }));
    const svg2 = await toSvg(anomalyChart(rows, { lagMs: 2 }));
    expect(svg4).not.toBe(svg2);
    expect(svg4).toContain("reloads that miss the user");
    // Two panels x two routings: one line each.
    expect((svg4.match(/class="mark-line role-mark/g) ?? []).length).toBe(2 * 2);
  });

  it("names a delay the rows do not have", () => {
    expect(() => anomalyChart(rows, { lagMs: 3 })).toThrow(/lagMs: 3 is not allowed; it must be one of the rows' delays: 2, 4, 6/);
  });
});

describe("anomalyChart scales", () => {
  it("fits each axis to its largest share over every delay, so the control never rescales it", () => {
    const rows = [2, 4].flatMap((lagMs) => [0, 10].map((afterMs) => ({ routing: "any", lagMs, afterMs, reads: 10, brokenReads: 1, brokenPct: lagMs * 3, leaderPct: 5 })));
    const spec = anomalyChart(rows) as { hconcat: { encoding: { y: { scale: { domain: number[] } } } }[] };
    expect(spec.hconcat.map((p) => p.encoding.y.scale.domain)).toEqual([[0, 20], [0, 10]]);
  });
});

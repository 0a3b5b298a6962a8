import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors";
import { toSvg } from "./render";
import { stalenessTimelineChart } from "./staleness";

const bins = (routing: string, worst: number) =>
  [0, 20, 40].map((tMs) => ({ routing, tMs, reads: 10, staleReads: tMs === 20 ? 5 : 0, stalenessMsMax: tMs === 20 ? worst : 0, leaderReads: routing === "leader" ? 10 : 0 }));
const rows = [...bins("any follower", 300), ...bins("leader", 0)];

describe("stalenessTimelineChart", () => {
  it("shows one routing at a time, picked by a control, with the tolerated staleness as a line", async () => {
    const spec = stalenessTimelineChart(rows, { limitMs: 100 }) as { params: { value: string; bind: { input: string; options: string[] } }[] };
    expect(spec.params[0]).toMatchObject({ value: "any follower", bind: { input: "radio", options: ["any follower", "leader"] } });
    const svg = await toSvg(spec);
    expect(svg).toContain("tolerated: 100 ms");
    expect(svg).toContain("Reads routed to any follower at first");
    expect(await toSvg(stalenessTimelineChart(rows, { limitMs: 100, routing: "leader" }))).not.toBe(svg);
  });

  it("names a routing the rows do not have, and a bad limit", () => {
    expect(() => stalenessTimelineChart(rows, { routing: "sticky" })).toThrow(/routing: "sticky" is not allowed/);
    expect(() => stalenessTimelineChart(rows, { limitMs: -5 })).toThrow(ConfigError);
  });
});

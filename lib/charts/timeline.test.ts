import { describe, expect, it } from "vitest";
import { HistoryBuilder } from "../checkers/historyBuilder";
import { ConfigError } from "../errors";
import type { History } from "../history";
import { asyncAck, syncAll } from "../policies";
import { simulate } from "../sim";
import { toSvg } from "./render";
import { failoverTimeline, nodeStates, writeOutcomes } from "./timeline";

/** Elements drawn by layer `layer` of a layered chart (vega names its groups layer_N_marks). */
function drawn(svg: string, layer: number): number {
  const group = svg.match(new RegExp(`<g class="mark-[a-z]+ role-mark layer_${layer}_marks"[^>]*>(.*?)</g>`, "s"));
  return group ? (group[1].match(/<(path|line|text) /g) ?? []).length : 0;
}
const STATES = 1;
const WRITES = 3;
const EVENTS = 4;

/** L leads, acknowledges two writes, crashes at 50; A takes over at 80. The second write is lost. */
function crashStory(): History {
  const b = new HistoryBuilder();
  const kept = b.write({ client: "c0", key: "x", value: "1", invokeMs: 10, ackMs: 10 });
  b.write({ client: "c1", key: "x", value: "2", invokeMs: 40, ackMs: 40 });
  b.write({ client: "c0", key: "y", value: "3", invokeMs: 60, failure: "not-leader", failedMs: 160 });
  const after = b.write({ client: "c1", key: "y", value: "4", invokeMs: 90, ackMs: 90, node: "A", epoch: 2, lsn: 2 });
  b.event({ kind: "crash", atMs: 50, node: "L" });
  b.event({ kind: "suspect", atMs: 80, node: "L", by: "monitor" });
  b.event({ kind: "elected", atMs: 80, node: "A", epoch: 2 });
  return b.build({ finalLog: [kept, after], finalLeader: "A" });
}

describe("failoverTimeline", () => {
  it("draws a bar per node state, a tick per write and a marker per event", async () => {
    const svg = await toSvg(failoverTimeline({ history: crashStory(), nodes: ["L", "A", "B"] }));
    // L: leader, crashed; A: follower, leader; B: follower.
    expect(drawn(svg, STATES)).toBe(5);
    expect(drawn(svg, WRITES)).toBe(4);
    expect(drawn(svg, EVENTS)).toBe(3);
    expect(svg).toContain("time (virtual ms)");
    expect(svg).toContain("Failover timeline");
  });

  it("marks the acknowledged write that the failover lost in red and names it in the legend", async () => {
    const svg = await toSvg(failoverTimeline(crashStory()));
    expect(svg.includes(">acknowledged, then lost<")).toBe(true);
    expect(svg.includes('fill="#e15759"')).toBe(true);
  });

  it("draws only the window asked for, cutting bars at its edges", async () => {
    const spec = failoverTimeline(crashStory(), { fromMs: 45, toMs: 85 });
    const svg = await toSvg(spec);
    expect(drawn(svg, WRITES)).toBe(1); // only the write sent at 60
    const bars = (spec.layer as { data: { values: { fromMs: number; toMs: number }[] } }[])[STATES].data.values;
    expect(Math.min(...bars.map((b) => b.fromMs))).toBe(45);
    expect(Math.max(...bars.map((b) => b.toMs))).toBe(85);
  });

  it("takes a run as it is and lists all of its nodes, even one that did nothing", async () => {
    const run = simulate({ seed: 3, followers: 2, ack: asyncAck(), workload: { writesPerSec: 500, writes: 40 }, failover: { crashLeader: { afterAckOfWrite: 20 } } });
    const svg = await toSvg(failoverTimeline(run));
    for (const lane of [">L<", ">A<", ">B<", ">client writes<"]) expect(svg.includes(lane), lane).toBe(true);
  });

  it("shows lost writes after an async failover and none after a sync-all one", async () => {
    const base = { seed: 5, followers: 2, workload: { writesPerSec: 1000, writes: 60 }, failover: { crashLeader: { afterAckOfWrite: 30 } } };
    const asyncSvg = await toSvg(failoverTimeline(simulate({ ...base, ack: asyncAck() })));
    const syncSvg = await toSvg(failoverTimeline(simulate({ ...base, ack: syncAll() })));
    expect(asyncSvg.includes(">acknowledged, then lost<")).toBe(true);
    expect(syncSvg.includes(">acknowledged, then lost<")).toBe(false);
  });

  it("rejects a window that ends before it starts, and something that is not a history", () => {
    expect(() => failoverTimeline(crashStory(), { fromMs: 50, toMs: 50 })).toThrow(ConfigError);
    expect(() => failoverTimeline({} as History)).toThrow(/history/);
  });
});

describe("nodeStates", () => {
  it("shows a paused leader that wakes up deposed, until it learns it and steps down", () => {
    const b = new HistoryBuilder();
    b.event({ kind: "pause", atMs: 100, node: "L", untilMs: 300 });
    b.event({ kind: "elected", atMs: 150, node: "B", epoch: 2 });
    b.event({ kind: "demoted", atMs: 400, node: "L", epoch: 1 });
    const states = nodeStates(b.build(), ["L", "A", "B"], 500).filter((s) => s.node === "L");
    expect(states.map((s) => [s.state, s.fromMs, s.toMs])).toEqual([
      ["leader", 0, 100],
      ["paused", 100, 300],
      ["deposed leader", 300, 400],
      ["follower", 400, 500],
    ]);
    expect(states[2].epoch).toBe(1);
  });
});

describe("writeOutcomes", () => {
  it("tells a write a deposed leader took from one refused by fencing", () => {
    const b = new HistoryBuilder();
    b.event({ kind: "elected", atMs: 100, node: "B", epoch: 2 });
    const stale = b.write({ client: "c0", key: "x", value: "1", invokeMs: 120, ackMs: 121, node: "L", epoch: 1 });
    const fenced = b.write({ client: "c1", key: "x", value: "2", invokeMs: 130, failure: "fenced" });
    const fresh = b.write({ client: "c2", key: "x", value: "3", invokeMs: 140, ackMs: 141, node: "B", epoch: 2 });
    // Sent before the election to a leader that was frozen, acknowledged when it woke up deposed.
    const queued = b.write({ client: "c3", key: "y", value: "4", invokeMs: 90, ackMs: 300, node: "L", epoch: 1 });
    const outcomes = writeOutcomes(b.build({ finalLog: [fresh], finalLeader: "B" }));
    expect(outcomes.get(queued)).toBe("handled by a deposed leader");
    expect(outcomes.get(stale)).toBe("handled by a deposed leader");
    expect(outcomes.get(fenced)).toBe("refused by fencing");
    expect(outcomes.get(fresh)).toBe("acknowledged");
  });
});

describe("failoverTimeline windows", () => {
  it("shades a partition behind the lanes, with its label", async () => {
    const run = simulate({
      seed: 3,
      followers: 2,
      workload: { writesPerSec: 200, durationMs: 600, clients: 4 },
      partitions: [{ fromMs: 100, toMs: 300, sides: [["L"], ["A", "B", "M1", "clients"]] }],
      failover: { detector: { heartbeatMs: 10, timeoutMs: 50 } },
    });
    const svg = await toSvg(failoverTimeline(run, { toMs: 600, windows: [{ fromMs: 100, toMs: 300, label: "L cut off" }] }));
    expect(svg).toContain("L cut off");
    expect(() => failoverTimeline(run, { windows: [{ fromMs: 5, toMs: 1, label: "x" }] })).toThrow(/windows\[0\]/);
  });
});


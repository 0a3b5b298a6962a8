import { describe, expect, it } from "vitest";
import { HistoryBuilder } from "../checkers/historyBuilder";
import type { ScriptedOp } from "../config";
import { constant, exponential } from "../dist";
import { ConfigError } from "../errors";
import { asyncAck } from "../policies";
import { simulate } from "../sim";
import { toSvg, type VegaLiteSpec } from "./render";
import { spacetimeDiagram } from "./spacetime";

/** Elements drawn by layer `layer` of a layered chart (vega names its groups layer_N_marks). */
function drawn(svg: string, layer: number): number {
  const group = svg.match(new RegExp(`<g class="mark-[a-z]+ role-mark layer_${layer}_marks"[^>]*>(.*?)</g>`, "s"));
  return group ? (group[1].match(/<(path|line|text) /g) ?? []).length : 0;
}
const HIGHLIGHT = 2;
const ARROWS = 3;
const UNDELIVERED = 4;
const OPS = 6;

type ArrowRow = { kind: string; fromMs: number; toMs: number; fromLane: number; toLane: number; angle: number; what: string };
function arrowsOf(spec: VegaLiteSpec): ArrowRow[] {
  return (spec.layer as { data: { values: ArrowRow[] } }[])[5].data.values;
}

/** Alice and Bob write in turn; the leader crashes right after acknowledging write 4. */
function crashRun() {
  const script: ScriptedOp[] = [];
  for (let i = 0; i < 6; i++) script.push({ kind: "write", atMs: i * 10, client: i % 2 ? "bob" : "alice", key: i % 2 ? "y" : "x", value: `v${i}` });
  script.push({ kind: "read", atMs: 150, client: "alice", keys: ["x"] });
  return simulate({
    seed: 3,
    followers: 2,
    ack: asyncAck(),
    network: { toFollowerMs: exponential({ meanMs: 20 }), toLeaderMs: exponential({ meanMs: 1 }), clientRequestMs: constant(1), clientResponseMs: constant(1) },
    workload: { script },
    failover: { crashLeader: { afterAckOfWrite: 4 }, detector: { heartbeatMs: 5, timeoutMs: 20, delayMs: constant(1) }, clientRerouteMs: constant(5) },
  });
}

describe("spacetimeDiagram", () => {
  it("draws every operation as an interval on its client's lane, and a lane per client and node", async () => {
    const run = crashRun();
    const svg = await toSvg(spacetimeDiagram(run));
    expect(drawn(svg, OPS)).toBe(run.history.ops.length);
    for (const lane of ["alice", "bob", "L", "A", "B"]) expect(svg.includes(`>${lane}<`), lane).toBe(true);
    expect(svg.includes("time (virtual ms)")).toBe(true);
  });

  it("sends each accepted write to every follower: received, or drawn as never delivered", () => {
    const run = crashRun();
    const arrows = arrowsOf(spacetimeDiagram(run));
    const accepted = run.history.ops.filter((op) => op.kind === "write" && op.node !== null);
    const toFollowers = arrows.filter((a) => a.kind === "replication" || a.kind === "never delivered");
    expect(toFollowers.length).toBe(accepted.length * 2 - accepted.filter((op) => op.kind === "write" && op.node !== "L").length);
    expect(arrows.some((a) => a.kind === "never delivered")).toBe(true);
  });

  it("highlights the lost write the checkers found and names the guarantee", async () => {
    const spec = spacetimeDiagram(crashRun());
    const svg = await toSvg(spec);
    expect(drawn(svg, HIGHLIGHT)).toBeGreaterThan(0);
    expect(drawn(svg, UNDELIVERED)).toBeGreaterThan(0);
    expect(svg.includes(">lost-writes<")).toBe(true);
    expect(JSON.stringify(spec.title)).toContain("highlighted: lost-writes");
  });

  it("points each arrowhead along its arrow on screen", () => {
    const b = new HistoryBuilder();
    b.write({ client: "alice", key: "x", value: "1", invokeMs: 10, ackMs: 10 });
    const history = b.build();
    // Request and reply are instant: straight down from alice to L, then straight back up.
    const arrows = arrowsOf(spacetimeDiagram({ history, nodes: ["L", "A"] }, { fromMs: 0, toMs: 20 }));
    expect(arrows.map((a) => [a.kind, a.angle])).toEqual([
      ["request", 90],
      ["reply", -90],
    ]);
  });

  it("puts labels of operations at the same moment on one lane on lines of their own", () => {
    const b = new HistoryBuilder();
    const w1 = b.write({ client: "alice", key: "x", value: "1", invokeMs: 10, ackMs: 10 });
    b.read({ client: "alice", invokeMs: 10, sees: { x: w1 } });
    b.write({ client: "alice", key: "x", value: "2", invokeMs: 30, ackMs: 30 });
    const spec = spacetimeDiagram({ history: b.build(), nodes: ["L", "A"] }, { fromMs: 0, toMs: 40 });
    type Row = { fromMs: number; label: string; labelLane: number; lane: number };
    const rows = (spec.layer as { data: { values: Row[] }; encoding: { text?: { field: string } } }[]).find((l) => l.encoding.text?.field === "label")!.data.values;
    expect(rows.map((r) => r.fromMs)).toEqual([10, 10, 30]);
    expect(rows[0].labelLane).not.toBe(rows[1].labelLane);
    // A label far enough along the lane goes back to the first line.
    expect(rows[2].labelLane).toBe(rows[2].lane);
  });

  it("draws a write a new leader re-sent to a rejoining follower as coming from the new leader", () => {
    const b = new HistoryBuilder();
    b.write({ client: "alice", key: "x", value: "1", invokeMs: 10, ackMs: 10 });
    b.event({ kind: "crash", atMs: 20, node: "L" });
    b.event({ kind: "elected", atMs: 40, node: "A", epoch: 2 });
    const history = b.build({ finalLeader: "A" });
    const writes = { count: 1, acceptMs: [10], ackMs: [10], receivedMs: [[15], [60]] };
    const arrows = arrowsOf(spacetimeDiagram({ history, nodes: ["L", "A", "B"], writes }, { toMs: 80 }));
    const toB = arrows.filter((a) => a.kind === "replication" && a.toLane === 3);
    expect(toB.map((a) => [a.fromLane, a.fromMs, a.toMs])).toEqual([[2, 40, 60]]);
  });

  it("draws a page read from two followers as a request and a reply to each", () => {
    const b = new HistoryBuilder();
    b.write({ client: "asker", key: "question", value: "?", invokeMs: 0, ackMs: 1 });
    const r = b.write({ client: "replier", key: "reply", value: "!", invokeMs: 2, ackMs: 3 });
    b.read({ client: "reader", invokeMs: 4, completeMs: 6, sees: { question: { write: null, node: "B" }, reply: { write: r, node: "A" } } });
    const arrows = arrowsOf(spacetimeDiagram({ history: b.build(), nodes: ["L", "A", "B"] }, { toMs: 10 }));
    const requests = arrows.filter((a) => a.kind === "request" && a.what.startsWith("read"));
    expect(requests.map((a) => a.what)).toEqual(["read #2 (question) sent to B", "read #2 (reply) sent to A"]);
    expect(arrows.filter((a) => a.kind === "reply" && a.what.startsWith("read"))).toHaveLength(2);
  });

  it("refuses a window with more operations than it can show readably, saying how to narrow it", () => {
    const run = simulate({ seed: 1, followers: 2, workload: { writesPerSec: 1000, writes: 200 } });
    expect(() => spacetimeDiagram(run)).toThrow(ConfigError);
    expect(() => spacetimeDiagram(run)).toThrow(/fromMs\/toMs/);
    expect(() => spacetimeDiagram(run, { toMs: 20 })).not.toThrow();
  });
});

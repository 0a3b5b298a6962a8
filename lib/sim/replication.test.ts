/**
 * The replication stream keeps its order across a node's down time: entries that reached a
 * follower while it was down are delivered when it is back, and one that was due at that very
 * instant still comes after them (dropped as a gap, it stalled the follower for good).
 */
import { describe, expect, it } from "vitest";
import { constant } from "../dist";
import { simulate } from "./index";

/** A writer every 10 ms; follower A 15 ms behind, so entries reach it at whole milliseconds. */
function run(fault: { kind: "crash" | "pause"; fromMs: number; toMs: number }) {
  const script = Array.from({ length: 80 }, (_, i) => ({ kind: "write" as const, atMs: 2 + 10 * i, client: "writer", key: "post", value: `v${i + 1}` }));
  return simulate({
    seed: 1,
    followers: [
      { name: "A", toFollowerMs: constant(15) },
      { name: "B", toFollowerMs: constant(60) },
    ],
    network: { oneWayMs: constant(0.5) },
    workload: { writes: 0, script },
    reads: { readsPerSec: 0 },
    faults: [{ node: "A", ...fault }],
  });
}

const receivedBy = (r: ReturnType<typeof run>, follower: number) => r.writes.receivedMs[follower].filter((t) => Number.isFinite(t)).length;

describe("a follower back from down time", () => {
  for (const kind of ["crash", "pause"] as const) {
    it(`receives every entry in order when its ${kind} ends at the instant one arrives`, () => {
      for (const toMs of [427, 437, 427.5]) {
        const r = run({ kind, fromMs: 400, toMs });
        expect(receivedBy(r, 0), `${kind} until ${toMs}`).toBe(r.writes.count);
        const received = Array.from(r.writes.receivedMs[0]);
        // In log order: each entry arrives no earlier than the one before it.
        for (let i = 1; i < received.length; i++) expect(received[i]).toBeGreaterThanOrEqual(received[i - 1]);
        expect(received.every((t, i) => t <= r.writes.appliedMs[0][i])).toBe(true);
      }
    });
  }
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { History, ReadOp, WriteOp } from "../history";
import { HistoryBuilder } from "./historyBuilder";
import { monotonicReads } from "./monotonicReads";
import { permissionLag } from "./permissionLag";
import { readYourWrites } from "./readYourWrites";
import { staleReads } from "./staleReads";

const CLIENTS = ["alice", "bob", "carol"];
const KEYS = ["x", "y", "perm:bob:delete"];
const VALUES = ["granted", "revoked", "v"];

const writeArb = fc.record({
  client: fc.constantFrom(...CLIENTS),
  key: fc.constantFrom(...KEYS),
  value: fc.constantFrom(...VALUES),
  invokeMs: fc.integer({ min: 0, max: 100 }),
  ackDelayMs: fc.integer({ min: 0, max: 20 }),
  acknowledged: fc.boolean(),
});

const readArb = fc.record({
  client: fc.constantFrom(...CLIENTS),
  keys: fc.subarray(KEYS, { minLength: 1 }),
  invokeMs: fc.integer({ min: 0, max: 130 }),
  durationMs: fc.integer({ min: 0, max: 10 }),
  /** Per key, which accepted write of the key to return when reads are arbitrary (modulo their count). */
  picks: fc.array(fc.nat(), { minLength: KEYS.length, maxLength: KEYS.length }),
  purpose: fc.constantFrom(undefined, "check-permission"),
});

const storyArb = fc.record({ writes: fc.array(writeArb, { maxLength: 30 }), reads: fc.array(readArb, { maxLength: 30 }) });

type Story = typeof storyArb extends fc.Arbitrary<infer T> ? T : never;

/**
 * One leader, no failover: writes get log positions in invoke order. With `fresh`, every read
 * returns exactly the newest write acknowledged when it was invoked; otherwise each key returns an
 * arbitrary accepted write of that key (or no value).
 */
function build(story: Story, fresh: boolean): History {
  const b = new HistoryBuilder();
  const writes = [...story.writes].sort((p, q) => p.invokeMs - q.invokeMs);
  const ids = writes.map((w, i) =>
    b.write({ ...w, lsn: i + 1, ackMs: w.acknowledged ? w.invokeMs + w.ackDelayMs : undefined }),
  );
  for (const r of story.reads) {
    const sees: Record<string, number | null> = {};
    r.keys.forEach((key, k) => {
      const ofKey = writes.flatMap((w, i) => (w.key === key ? [i] : []));
      if (fresh) {
        const acked = ofKey.filter((i) => writes[i].acknowledged && writes[i].invokeMs + writes[i].ackDelayMs <= r.invokeMs);
        sees[key] = acked.length > 0 ? ids[acked[acked.length - 1]] : null;
      } else {
        const pick = r.picks[k] % (ofKey.length + 1);
        sees[key] = pick === ofKey.length ? null : ids[ofKey[pick]];
      }
    });
    b.read({ client: r.client, invokeMs: r.invokeMs, completeMs: r.invokeMs + r.durationMs, node: "A", sees, purpose: r.purpose });
  }
  return b.build();
}

/** Brute force, straight from the definitions: for each read key, the newest acked write before it. */
function staleByDefinition(h: History, sameClient: boolean): string[] {
  const found: string[] = [];
  for (const r of h.ops) {
    if (r.kind !== "read") continue;
    for (const s of r.observed) {
      const before = h.ops.filter(
        (w): w is WriteOp =>
          w.kind === "write" && w.key === s.key && w.acknowledged && w.completeMs <= r.invokeMs && (!sameClient || w.client === r.client),
      );
      if (before.length === 0) continue;
      const newest = before.reduce((p, q) => (q.lsn > p.lsn ? q : p));
      if (s.lsn < newest.lsn) found.push(`${r.id}:${newest.id}`);
    }
  }
  return found.sort();
}

/** Brute force: reads (one entry per key) that saw older than an earlier completed read of the same client. */
function backwardsByDefinition(h: History): number[] {
  const reads = h.ops.filter((op): op is ReadOp => op.kind === "read");
  const found: number[] = [];
  for (const r of reads) {
    for (const s of r.observed) {
      const earlier = reads
        .filter((e) => e.client === r.client && e.completeMs <= r.invokeMs)
        .flatMap((e) => e.observed.filter((o) => o.key === s.key));
      if (earlier.some((o) => o.lsn > s.lsn)) found.push(r.id);
    }
  }
  return found.sort((p, q) => p - q);
}

const pairs = (vs: { ops: number[] }[]) => vs.map((v) => `${v.ops[0]}:${v.ops[1]}`).sort();
const readsOf = (vs: { ops: number[] }[]) => vs.map((v) => v.ops[0]).sort((p, q) => p - q);

describe("checker properties", () => {
  it("find no stale, read-your-writes or monotonic violation when every read returns the newest acknowledged value", () => {
    fc.assert(
      fc.property(storyArb, (story) => {
        const h = build(story, true);
        expect(staleReads(h)).toEqual([]);
        expect(readYourWrites(h)).toEqual([]);
        expect(monotonicReads(h)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it("agree with brute-force definitions on arbitrary single-leader histories", () => {
    fc.assert(
      fc.property(storyArb, (story) => {
        const h = build(story, false);
        expect(pairs(staleReads(h))).toEqual(staleByDefinition(h, false));
        expect(pairs(readYourWrites(h))).toEqual(staleByDefinition(h, true));
        expect(readsOf(monotonicReads(h))).toEqual(backwardsByDefinition(h));
      }),
      { numRuns: 300 },
    );
  });

  it("only report permission lag on reads that are also stale", () => {
    fc.assert(
      fc.property(storyArb, (story) => {
        const h = build(story, false);
        const stale = new Set(pairs(staleReads(h)));
        for (const p of pairs(permissionLag(h))) expect(stale).toContain(p);
      }),
      { numRuns: 300 },
    );
  });
});
